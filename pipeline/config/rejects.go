package config

import (
	"strings"
	"time"
)

// RejectLimit is the share of a source's lines that may be rejected
// before the run stops: the source's own max_reject_rate when set; else 0
// for a suppression list (it fails closed: a dropped unsubscribe is a
// breach) and limits.max_reject_rate for any other source.
func (c *Config) RejectLimit(s *Source) float64 {
	switch {
	case s.MaxRejectRate != nil:
		return *s.MaxRejectRate
	case s.Role == RoleSuppression:
		return 0
	default:
		return c.Limits.MaxRejectRate
	}
}

// sourceRejectRate decodes a source's max_reject_rate (nil when absent).
func (d *decoder) sourceRejectRate(p pair, where string) *float64 {
	v, ok := d.number(p, where+".max_reject_rate")
	if !ok {
		return nil
	}
	if v < 0 || v > 1 {
		d.errorf(p.val, "%s.max_reject_rate must be between 0 and 1, not %v", where, v)
	}
	return &v
}

// RejectsCutoff is the time before which a source's rejected lines are
// past retention: limits.rejects_retention, or the source's own
// retention when that is shorter. src may be nil (rejects of a source no
// longer configured, or of `suppress import`).
func (c *Config) RejectsCutoff(src *Source, now time.Time) time.Time {
	cut := c.Limits.RejectsRetention.Cutoff(now)
	if src != nil && !src.Retention.IsZero() {
		if own := src.Retention.Cutoff(now); own.After(cut) {
			cut = own
		}
	}
	return cut
}

// rejectsRetention decodes limits.rejects_retention: a period, never
// "forever" (a rejected line holds personal data and must expire).
func (d *decoder) rejectsRetention(c *Config, p pair) {
	if !p.present() {
		return
	}
	v := strings.TrimSpace(d.str(p, "limits.rejects_retention"))
	r, err := ParseRetention(v)
	switch {
	case err != nil:
		d.errorf(p.val, "limits.rejects_retention: %v", err)
	case r.IsZero():
		d.errorf(p.val, "limits.rejects_retention must be a period such as \"30 days\", not %q: rejected lines hold personal data and must expire", v)
	default:
		c.Limits.RejectsRetention = r
	}
}
