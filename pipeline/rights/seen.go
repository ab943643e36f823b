package rights

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/warehouse"
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
// people sources (sql/sar_seen.sql): those of the subject's bucket file.
func findSeen(ctx context.Context, c *sql.Conn, cfg *config.Config, key string) ([]Seen, error) {
	files, inFiles, err := warehouse.SeenBucketFiles(ctx, c, key)
	if err != nil {
		return nil, fmt.Errorf("subject_seen: %w", err)
	}
	if inFiles && len(files) == 0 {
		return []Seen{}, nil // no subject in the bucket
	}
	q, err := render("sar_seen", map[string]any{"Files": files})
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

// seenExpiry is a purge's new generation of subject_seen's files
// (warehouse.ExpireSeen): dir is "" when no subject's retention ran out.
type seenExpiry struct{ dir, gen string }

// expireSeen writes it, before the purge's transaction.
func expireSeen(ctx context.Context, c *sql.Conn, cfg *config.Config, now time.Time) (seenExpiry, error) {
	gen := "purge-" + time.Now().UTC().Format("20060102T150405.000000000")
	dir, err := warehouse.ExpireSeen(ctx, c, cfg, now, gen)
	return seenExpiry{dir: dir, gen: gen}, err
}

// promote points subject_seen at it, in the purge's transaction.
func (s seenExpiry) promote(ctx context.Context, c *sql.Conn) error {
	if s.dir == "" {
		return nil
	}
	return warehouse.PromoteSeen(ctx, c, s.dir, s.gen)
}

// finish deletes, after the transaction, the generation it replaced (the
// purge committed) or its own (it did not).
func (s seenExpiry) finish(committed bool) error {
	switch {
	case s.dir == "":
		return nil
	case committed:
		return warehouse.CleanSeen(s.dir)
	default:
		return os.RemoveAll(s.dir)
	}
}

// eraseSeen rewrites the files of subject_seen's bucket that hold the
// subject without their rows (sql/erase_seen.sql; each renamed into
// place, so a crash leaves every file whole) and returns how many rows
// went. A file without them is left as it is.
func eraseSeen(ctx context.Context, c *sql.Conn, key string) (int64, error) {
	files, _, err := warehouse.SeenBucketFiles(ctx, c, key)
	if err != nil {
		return 0, fmt.Errorf("subject_seen: %w", err)
	}
	var total int64
	for _, file := range files {
		before, err := rawRows(ctx, c, file)
		if err != nil {
			return total, fmt.Errorf("subject_seen: %w", err)
		}
		kept, _, err := rewriteRaw(ctx, c, "erase_seen", nil, params{"key": key}, file, func(kept int64) bool { return kept < before })
		if err != nil {
			return total, fmt.Errorf("subject_seen: %w", err)
		}
		total += before - kept
	}
	return total, nil
}
