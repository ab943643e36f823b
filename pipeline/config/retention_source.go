package config

import (
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Where a source's retention period counts from (retention_from).
const (
	// RetentionFromFirstSeen: from when the pipeline first staged the
	// subject from the source (the default). Right for bought or rented
	// lists, where the lawful-basis clock starts at collection: a subject
	// still in next month's vendor file is not collected afresh.
	RetentionFromFirstSeen = "first_seen"
	// RetentionFromLastSeen: from the last run that staged the subject from
	// the source. Right for a source that is the live relationship (a CRM
	// export): while the subject is in it, the data is current.
	RetentionFromLastSeen = "last_seen"
)

// RetentionFroms lists the values of retention_from.
var RetentionFroms = []string{RetentionFromFirstSeen, RetentionFromLastSeen}

// sourceRetention decodes a source's retention and retention_from. A
// people or reference source must say how long its data is kept (they
// hold personal data); a people source may not keep it "forever".
// retention_from is for those two roles only, whose rows are subjects.
func (d *decoder) sourceRetention(s *Source, f map[string]pair, key *yaml.Node) {
	where := "sources." + s.Name
	if p := f["retention"]; p.present() {
		if v := strings.TrimSpace(d.str(p, where+".retention")); v != "" {
			r, err := ParseRetention(v)
			if err != nil {
				d.errorf(p.val, "source %q: %v", s.Name, err)
			} else if r.IsZero() && s.Role == RolePeople {
				d.errorf(p.val, "source %q: retention must be a period such as \"12 months\", not %q: people data must expire (GDPR Art. 5(1)(e))", s.Name, v)
			}
			s.Retention = r
		} else if isNull(p.val) {
			d.errorf(p.key, "%s.retention must not be empty (leave it out to keep forever)", where)
		}
	} else if s.Role == RolePeople || s.Role == RoleReference {
		d.errorf(key, "source %q: missing required key \"retention\" (a %s source holds personal data: say how long it is kept, e.g. retention: 12 months)", s.Name, s.Role)
	}
	s.RetentionFrom = RetentionFromFirstSeen
	p, ok := f["retention_from"]
	if !ok {
		return
	}
	v := strings.TrimSpace(d.str(p, where+".retention_from"))
	switch {
	case s.Role != RolePeople && s.Role != RoleReference:
		d.errorf(p.key, "source %q: retention_from is only allowed on people and reference sources (role is %q)", s.Name, s.Role)
	case v != RetentionFromFirstSeen && v != RetentionFromLastSeen:
		d.errorf(valOrKey(p), "source %q: retention_from %q is not allowed (allowed: %s)", s.Name, v, strings.Join(RetentionFroms, ", "))
	default:
		s.RetentionFrom = v
	}
}

// End returns when a period of r that began at t ends (calendar
// arithmetic, as Cutoff): data counted from t is past retention from then
// on. The zero Retention returns the zero time.
func (r Retention) End(t time.Time) time.Time {
	switch r.Unit {
	case "day":
		return t.AddDate(0, 0, r.N)
	case "week":
		return t.AddDate(0, 0, 7*r.N)
	case "month":
		return t.AddDate(0, r.N, 0)
	case "year":
		return t.AddDate(r.N, 0, 0)
	}
	return time.Time{}
}
