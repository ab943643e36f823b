package config

import (
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Sends reports whether the campaign reaches people on channel (a
// campaign without channels is an email campaign).
func (cp *Campaign) Sends(channel string) bool {
	if len(cp.Channels) == 0 {
		return channel == "email"
	}
	return slices.Contains(cp.Channels, channel)
}

// reviewBy decodes the LIA's optional review_by date (zero when absent).
func (d *decoder) reviewBy(campaign, where string, f map[string]pair) time.Time {
	p, ok := f["review_by"]
	if !ok || isNull(p.val) {
		return time.Time{}
	}
	s := strings.TrimSpace(d.str(p, where+".review_by"))
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		d.errorf(p.val, "campaign %q: LIA review_by %q is not a date (want YYYY-MM-DD)", campaign, s)
	}
	return t
}

// validateLIA: an email campaign on legitimate interests is B2B email to
// corporate subscribers (PECR reg. 22 applies to individuals only), so its
// LIA must say b2b: true.
func (d *decoder) validateLIA(c *Config) {
	for _, name := range c.CampaignOrder {
		cp := c.Campaigns[name]
		if cp.LawfulBasis != LegitimateInterests || !cp.Sends("email") || cp.LIA.B2B || cp.LIA.AssessedBy == "" {
			continue // no LIA at all is reported by campaign()
		}
		pos := c.Pos("campaigns", name, "lia", "b2b")
		if n := c.node("campaigns", name, "lia", "b2b"); n == nil {
			pos = c.KeyPos("campaigns", name, "lia")
		} else if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			continue // not a boolean: reported by lia()
		}
		d.at(pos, "campaign %q: an email campaign on legitimate_interests needs lia.b2b: true (PECR: email without consent only to corporate subscribers); "+
			"set b2b: true once the LIA covers business-to-business email, or use lawful_basis: consent", name)
	}
}

// node is the value at a key path, nil when the path does not exist.
func (c *Config) node(path ...string) *yaml.Node {
	if c == nil || c.root == nil {
		return nil
	}
	n := resolve(c.root)
	for _, p := range path {
		_, v := child(n, p)
		if v == nil {
			return nil
		}
		n = resolve(v)
	}
	return n
}

// CheckLIADates refuses, as of now, a legitimate-interests campaign whose
// LIA is dated in the future or whose review_by date has passed. It is
// separate from Parse, which reads no clock; `validate` and `run` call it
// (rights commands do not: an expired LIA stops exports, not erasures).
func (c *Config) CheckLIADates(now time.Time) Diagnostics {
	var ds Diagnostics
	today := now.UTC().Truncate(24 * time.Hour)
	for _, name := range c.CampaignOrder {
		cp := c.Campaigns[name]
		if cp.LawfulBasis != LegitimateInterests {
			continue
		}
		l := cp.LIA
		if l.AssessedOn.After(today) {
			ds = append(ds, c.Diag(c.Pos("campaigns", name, "lia", "assessed_on"),
				"campaign %q: LIA assessed_on %s is in the future (today is %s): an assessment must be made before the processing",
				name, l.AssessedOn.Format(time.DateOnly), today.Format(time.DateOnly)))
		}
		if !l.ReviewBy.IsZero() && l.ReviewBy.Before(today) {
			ds = append(ds, c.Diag(c.Pos("campaigns", name, "lia", "review_by"),
				"campaign %q: LIA expired on %s (review_by) — review the assessment and set a new review_by before exporting",
				name, l.ReviewBy.Format(time.DateOnly)))
		}
	}
	return ds
}
