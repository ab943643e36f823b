package rights

import (
	"context"
	"database/sql"
	"time"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// Access answers a subject access request: Find, the report, and an audit
// entry (action "sar", keyed by subject_key, with dataset names and row
// counts only). A request that finds nothing is not an error.
func Access(ctx context.Context, c *sql.Conn, cfg *config.Config, s Subject, opts FindOptions, now time.Time) (*Report, error) {
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	keyed := findByKeyAsync(gctx, c, cfg, s.Key, opts.DB)
	f, err := Find(gctx, c, cfg, s, opts)
	if err != nil {
		cancel()
		_, _ = keyed()
		return nil, err
	}
	k, err := keyed()
	if err != nil {
		return nil, err
	}
	r := NewReport(cfg, f, now)
	r.Corrections = k.corrections
	r.addSeen(k.seen)
	// the summary again, with the dates and corrections found since
	r.Summary = buildSummary(cfg, f, r)
	details := r.AuditSummary()
	details["deep"] = opts.Deep
	if _, err := audit.Append(ctx, c, audit.Entry{At: now, Action: "sar", SubjectKey: s.Key, Details: details}); err != nil {
		return nil, err
	}
	return r, nil
}

// byKey is what the report reads by the subject_key alone, beside Find:
// the recorded corrections and the subject_seen dates.
type byKey struct {
	corrections []CorrectionRecord
	seen        []Seen
}

// findByKeyAsync reads the subject's byKey. With db (the database c
// belongs to) it starts at once on a connection of its own, so that it
// overlaps Find; wait returns it when done and must be called. Without db
// wait reads it on c then (after Find, which uses c meanwhile).
func findByKeyAsync(ctx context.Context, c *sql.Conn, cfg *config.Config, key string, db *engine.DB) (wait func() (byKey, error)) {
	read := func(c *sql.Conn) (k byKey, err error) {
		if k.corrections, err = Corrections(ctx, c, key); err != nil {
			return k, err
		}
		k.seen, err = findSeen(ctx, c, cfg, key)
		return k, err
	}
	if db == nil {
		return func() (byKey, error) { return read(c) }
	}
	type result struct {
		k   byKey
		err error
	}
	done := make(chan result, 1)
	go func() {
		own, err := db.Conn(ctx)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer own.Close()
		k, err := read(own)
		done <- result{k, err}
	}()
	return func() (byKey, error) {
		res := <-done
		return res.k, res.err
	}
}
