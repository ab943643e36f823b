package rights

import (
	"context"
	"database/sql"
	"time"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
)

// Access answers a subject access request: Find, the report, and an audit
// entry (action "sar", keyed by subject_key, with dataset names and row
// counts only). A request that finds nothing is not an error.
func Access(ctx context.Context, c *sql.Conn, cfg *config.Config, s Subject, opts FindOptions, now time.Time) (*Report, error) {
	f, err := Find(ctx, c, cfg, s, opts)
	if err != nil {
		return nil, err
	}
	r := NewReport(cfg, f, now)
	if r.Corrections, err = Corrections(ctx, c, s.Key); err != nil {
		return nil, err
	}
	seen, err := findSeen(ctx, c, cfg, s.Key)
	if err != nil {
		return nil, err
	}
	r.addSeen(seen)
	// the summary again, with the dates and corrections found since
	r.Summary = buildSummary(cfg, f, r)
	details := r.AuditSummary()
	details["deep"] = opts.Deep
	if _, err := audit.Append(ctx, c, audit.Entry{At: now, Action: "sar", SubjectKey: s.Key, Details: details}); err != nil {
		return nil, err
	}
	return r, nil
}
