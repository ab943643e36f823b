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
	details := r.AuditSummary()
	details["deep"] = opts.Deep
	if _, err := audit.Append(ctx, c, audit.Entry{At: now, Action: "sar", SubjectKey: s.Key, Details: details}); err != nil {
		return nil, err
	}
	return r, nil
}
