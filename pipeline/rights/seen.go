package rights

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/example/pipeline/pipeline/config"
)

// Seen is when the subject was first (and last) staged from one people
// source and when the data it gave is deleted (flow/seen.go): the
// source's retention counted from first_seen, or from last_seen where the
// source says retention_from: last_seen.
type Seen struct {
	Source        string `json:"source"`
	FirstSeen     string `json:"first_seen"`
	LastSeen      string `json:"last_seen"`
	Retention     string `json:"retention"`
	RetentionFrom string `json:"retention_from"`
	// DeleteAfter: the first run or purge after this time deletes the
	// source's data on the subject. For last_seen, as long as the source
	// keeps listing the subject it moves on.
	DeleteAfter string `json:"delete_after"`
	// Expired is when retention ran out; the source's later files are not
	// staged for the subject again.
	Expired string `json:"expired,omitempty"`
}

// findSeen reads the subject's subject_seen rows of the configured
// people sources (sql/sar_seen.sql).
func findSeen(ctx context.Context, c *sql.Conn, cfg *config.Config, key string) ([]Seen, error) {
	q, err := render("sar_seen", nil)
	if err != nil {
		return nil, err
	}
	rows, err := c.QueryContext(ctx, q, sql.Named("key", key))
	if err != nil {
		return nil, fmt.Errorf("subject_seen: %w", err)
	}
	defer rows.Close()
	out := []Seen{}
	for rows.Next() {
		var src string
		var first, last time.Time
		var expired sql.NullTime
		if err := rows.Scan(&src, &first, &last, &expired); err != nil {
			return nil, fmt.Errorf("subject_seen: %w", err)
		}
		s := cfg.Sources[src]
		if s == nil || s.Retention.IsZero() {
			continue // a source no longer configured: its rows are not read either
		}
		from := first
		if s.RetentionFrom == config.RetentionFromLastSeen {
			from = last
		}
		sn := Seen{Source: src, FirstSeen: stamp(first), LastSeen: stamp(last), Retention: s.Retention.String(),
			RetentionFrom: s.RetentionFrom, DeleteAfter: stamp(s.Retention.End(from))}
		if expired.Valid {
			sn.Expired = stamp(expired.Time)
		}
		out = append(out, sn)
	}
	return out, rows.Err()
}

// addSeen puts the subject_seen dates into r: r.Seen, and each raw
// dataset's first_seen (its rows' _loaded_at is the last run's).
func (r *Report) addSeen(seen []Seen) {
	r.Seen = seen
	for i, f := range r.Found {
		for _, s := range seen {
			if f.Kind == "table" && f.Dataset == s.Source {
				r.Found[i].FirstSeen = s.FirstSeen
			}
		}
	}
}

// sourcePeriod is a people or reference source's retention as the SAR
// states it: counted from when the subject was first (or last) staged.
func sourcePeriod(s *config.Source) string {
	if s.Role != config.RolePeople || s.Retention.IsZero() {
		return period(s.Retention)
	}
	if s.RetentionFrom == config.RetentionFromLastSeen {
		return s.Retention.String() + " from when this source last listed you"
	}
	return s.Retention.String() + " from when we first received your data from this source"
}
