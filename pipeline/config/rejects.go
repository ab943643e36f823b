package config

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
