package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Retention is how long a source's data is kept: N units. The zero value
// means keep forever.
type Retention struct {
	N    int
	Unit string // day, week, month or year
}

var retentionRE = regexp.MustCompile(`^(\d+)\s*(day|week|month|year)s?$`)

// ParseRetention parses "24 months", "90 days", "1 year", "2 weeks" (singular
// or plural, case-insensitive) or "forever" (the zero Retention).
func ParseRetention(s string) (Retention, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "forever" {
		return Retention{}, nil
	}
	m := retentionRE.FindStringSubmatch(t)
	if m == nil {
		return Retention{}, fmt.Errorf("retention %q is not valid (want N days, weeks, months or years, e.g. \"24 months\", or \"forever\")", s)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil && !errors.Is(err, strconv.ErrRange) || err == nil && n <= 0 {
		return Retention{}, fmt.Errorf("retention %q must be a positive number of %ss", s, m[2])
	}
	if max := maxRetention[m[2]]; err != nil || n > max {
		return Retention{}, fmt.Errorf("retention %q is longer than %d %ss (%d years); for data kept without limit write \"forever\"", s, max, m[2], MaxRetentionYears)
	}
	return Retention{N: n, Unit: m[2]}, nil
}

// MaxRetentionYears bounds a retention period: a longer one is a typo (and
// beyond it Cutoff's calendar arithmetic would overflow); "forever" says
// keep without limit.
const MaxRetentionYears = 100

// maxRetention is MaxRetentionYears in each unit.
var maxRetention = map[string]int{
	"day": MaxRetentionYears * 366, "week": MaxRetentionYears * 53,
	"month": MaxRetentionYears * 12, "year": MaxRetentionYears,
}

// IsZero reports whether r means keep forever.
func (r Retention) IsZero() bool { return r.N == 0 }

// Cutoff returns now minus r (calendar arithmetic, time.AddDate): rows loaded
// before it are past retention. The zero Retention returns the zero time.
func (r Retention) Cutoff(now time.Time) time.Time {
	switch r.Unit {
	case "day":
		return now.AddDate(0, 0, -r.N)
	case "week":
		return now.AddDate(0, 0, -7*r.N)
	case "month":
		return now.AddDate(0, -r.N, 0)
	case "year":
		return now.AddDate(-r.N, 0, 0)
	}
	return time.Time{}
}

// String formats r as "24 months", "1 year", or "forever" when zero.
func (r Retention) String() string {
	if r.IsZero() {
		return "forever"
	}
	if r.N == 1 {
		return "1 " + r.Unit
	}
	return fmt.Sprintf("%d %ss", r.N, r.Unit)
}
