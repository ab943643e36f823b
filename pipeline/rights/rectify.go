package rights

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/normalize"
	sqlfs "github.com/example/pipeline/sql"
)

// ErrNotHeld means a correction was asked for a subject about whom nothing
// is held (no table row, export or sink): there is nothing to correct, and
// nothing was recorded.
var ErrNotHeld = errors.New("rights: nothing is held about the subject")

// RectifyOptions tune Rectify.
type RectifyOptions struct {
	Request    string             // the requests register's id (--request), recorded with each correction
	Connectors connect.Connectors // sinks are asked to erase when the subject leaves the target roles (nil: none)
	Log        zerolog.Logger
	Now        func() time.Time
	DryRun     bool // report what would change; record and change nothing
	// Everywhere records the correction even where nothing is held about
	// the subject (no ErrNotHeld): a shard of a sharded deployment, which
	// may stage the subject in a later run (the caller checked that some
	// shard holds them).
	Everywhere bool
}

// RectifyResult is what Rectify changed. It holds no personal value:
// only column names, counts, files and recipients.
type RectifyResult struct {
	SubjectKey string        `json:"subject_key"`
	Columns    []string      `json:"columns"`    // the columns corrected
	Recorded   []string      `json:"recorded"`   // those whose correction was new (a re-run records none)
	LeftRoles  bool          `json:"left_roles"` // the corrected job title is outside targeting.roles: out of prospects and exports
	Tables     []TableChange `json:"tables"`     // prospects, deliverable: rows corrected (or removed)
	Files      []PlannedFile `json:"files"`      // export files rewritten
	Sinks      []string      `json:"sinks"`      // exports whose sink holds the subject and cannot be corrected in place
	Notices    []Notice      `json:"notify"`     // Art. 19: recipients to tell
	Seq        int64         `json:"audit_seq"`
	DryRun     bool          `json:"dry_run"`
}

// Rectify records corrections of the subject's data (GDPR Art. 16) and
// applies them at once: the override table rectifications, which every
// later run applies after staging (sql/enrich_rectify.sql); the subject's
// rows of prospects and deliverable; every current export file holding
// them, rewritten and swapped in atomically with its manifest updated
// (erasure's machinery). A corrected job title is mapped to department and
// seniority again; if that takes the subject out of targeting.roles they
// leave prospects and the exports (as the next run would do). The
// recipients who received the subject (Art. 19) are returned and audited
// (action "rectify": column names, counts and recipients, never a value).
// Nothing held about the subject: ErrNotHeld, and nothing is recorded.
// Re-running it is safe: an identical correction is not recorded twice,
// and files are rewritten to the same values. The caller holds the
// warehouse lock.
func Rectify(ctx context.Context, cfg *config.Config, s Subject, set []Correction, opts RectifyOptions) (*RectifyResult, error) {
	if err := CheckCorrections(set); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	if opts.Now != nil {
		now = opts.Now().UTC()
	}
	h, err := openAndFind(ctx, cfg, s, FindOptions{Log: opts.Log, Connectors: opts.Connectors})
	if err != nil {
		return nil, err
	}
	defer h.Close()
	c, f := h.c, h.f
	if len(f.Tables) == 0 && len(f.Exports) == 0 && len(f.Sinks) == 0 && !opts.Everywhere {
		return nil, ErrNotHeld
	}
	res := &RectifyResult{SubjectKey: s.Key, Recorded: []string{}, Tables: []TableChange{}, Files: planFiles(cfg, f), Sinks: []string{}, Notices: notices(cfg, f)}
	vals, err := correctedValues(ctx, c, cfg, set, now)
	if err == nil && !vals.leftRoles {
		res.Files, err = correctableFiles(ctx, c, res.Files, vals)
		res.Notices = disclosedTo(res.Notices, vals)
	}
	if err != nil {
		return nil, err
	}
	for _, x := range set {
		res.Columns = append(res.Columns, x.Column)
	}
	res.LeftRoles, res.DryRun = vals.leftRoles, opts.DryRun
	if opts.DryRun {
		res.plan(f, vals)
		return res, nil
	}
	if res.Recorded, err = recordCorrections(ctx, c, s.Key, set, opts.Request, now); err != nil {
		return nil, err
	}
	if res.Tables, err = rectifyTables(ctx, c, f, vals); err != nil {
		return nil, err
	}
	j := &Journal{SubjectKey: s.Key, Files: res.Files, Counts: map[string]int64{}}
	if vals.leftRoles {
		err = rewriteExports(ctx, c, j, s.Key)
		if err == nil {
			var ns []NotSearchable
			// sinks that can neither be rewritten nor erase: their
			// recipients are told (res.Sinks)
			if ns, err = eraseSinks(ctx, cfg, opts.Connectors, j, s.Key); err == nil {
				for _, n := range ns {
					res.Sinks = append(res.Sinks, n.Export)
				}
			}
		}
	} else {
		err = rectifyExports(ctx, c, j, s.Key, vals)
	}
	if err != nil {
		return nil, fmt.Errorf("rectify: exports: %w", err)
	}
	if !vals.leftRoles {
		for _, h := range f.Sinks {
			res.Sinks = append(res.Sinks, h.Export)
		}
	}
	if res.Seq, err = auditRectify(ctx, c, res, opts.Request, j.Counts["export_rows"], now); err != nil {
		return nil, err
	}
	return res, nil
}

// auditRectify writes the "rectify" audit entry: column names, counts and
// recipients, never a value.
func auditRectify(ctx context.Context, c *sql.Conn, res *RectifyResult, request string, exportRows int64, now time.Time) (int64, error) {
	recipients := []string{}
	for _, n := range res.Notices {
		recipients = append(recipients, n.Recipient+" ("+n.Export+")")
	}
	a, err := audit.Append(ctx, c, audit.Entry{At: now, Actor: audit.Actor(), Action: "rectify", SubjectKey: res.SubjectKey, Details: map[string]any{
		"columns": res.Columns, "recorded": res.Recorded, "request": request, "left_roles": res.LeftRoles,
		"files": len(res.Files), "export_rows": exportRows, "sinks_not_corrected": res.Sinks, "notify": recipients}})
	return a.Seq, err
}

// corrected are the values to write: the corrections, plus department
// and seniority when job_title is corrected, with the target-role check.
type corrected struct {
	set       []Correction // as given
	derived   []Correction // department, seniority of a corrected job title
	leftRoles bool
	phoneOff  bool // the corrected phone is on a phone list: kept out of deliverable and exports
}

func correctedValues(ctx context.Context, c *sql.Conn, cfg *config.Config, set []Correction, now time.Time) (*corrected, error) {
	v := &corrected{set: set}
	for _, x := range set {
		switch x.Column {
		case "job_title":
			dept, sen, err := titleClass(ctx, c, x.Value)
			if err != nil {
				return nil, err
			}
			v.derived = []Correction{{Column: "department", Value: dept}, {Column: "seniority", Value: sen}}
			v.leftRoles = !inRoles(cfg, dept, sen)
		case "phone":
			if x.Value == "" {
				continue
			}
			q, err := render("rectify_phone_listed", nil)
			if err != nil {
				return nil, err
			}
			var n int64
			if err := c.QueryRowContext(ctx, q, params{"hash": normalize.Hash(x.Value), "now": now}.Args()...).Scan(&n); err != nil {
				return nil, fmt.Errorf("rectify_phone_listed.sql: %w", err)
			}
			v.phoneOff = n > 0
		}
	}
	return v, nil
}

// titleClass maps a job title to department and seniority with the run's
// rule table (sql/title_rules.csv, title_class.sql).
func titleClass(ctx context.Context, c *sql.Conn, title string) (dept, sen string, err error) {
	if _, err := execT(ctx, c, "rectify_title_rules", nil, nil); err != nil {
		return "", "", err
	}
	rules, err := sqlfs.TitleRules()
	if err != nil {
		return "", "", err
	}
	for _, r := range rules {
		if _, err := execT(ctx, c, "rectify_title_rule", nil, params{"field": r.Field, "value": r.Value, "priority": r.Priority, "pattern": r.Pattern}); err != nil {
			return "", "", err
		}
	}
	q, err := render("rectify_title", nil)
	if err != nil {
		return "", "", err
	}
	var t any
	if title != "" {
		t = title
	}
	if err := c.QueryRowContext(ctx, q, params{"title": t}.Args()...).Scan(&dept, &sen); err != nil {
		return "", "", fmt.Errorf("rectify_title.sql: %w", err)
	}
	return dept, sen, nil
}

// inRoles is targeting.roles as enrich_prospects.sql applies it.
func inRoles(cfg *config.Config, dept, sen string) bool {
	for _, r := range cfg.Targeting.Roles {
		if r.Department == dept && (len(r.Seniority) == 0 || slices.Contains(r.Seniority, sen)) {
			return true
		}
	}
	return false
}

// recordCorrections inserts the corrections into rectifications, in one
// transaction; one whose latest recorded value is the same is skipped.
func recordCorrections(ctx context.Context, c *sql.Conn, key string, set []Correction, request string, now time.Time) ([]string, error) {
	prev, err := Corrections(ctx, c, key)
	if err != nil {
		return nil, err
	}
	latest := map[string]string{}
	for _, p := range prev {
		latest[p.Column] = p.Value
	}
	out := []string{}
	actor := audit.Actor()
	err = engine.InTx(ctx, c, func() error {
		for _, x := range set {
			if v, ok := latest[x.Column]; ok && v == x.Value {
				continue
			}
			if _, err := execT(ctx, c, "rectify_add", nil, params{"key": key, "column": x.Column, "value": x.Value, "now": now, "request": request, "actor": actor}); err != nil {
				return err
			}
			out = append(out, x.Column)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// plan fills a dry run's result: the tables a correction would change and
// the sinks whose recipients would be told.
func (res *RectifyResult) plan(f *Findings, vals *corrected) {
	for _, t := range f.Tables {
		if t.Table == "prospects" || t.Table == "deliverable" {
			res.Tables = append(res.Tables, TableChange{Dataset: t.Dataset, Table: t.Table, Rows: int64(len(t.Rows))})
		}
	}
	if !vals.leftRoles {
		for _, h := range f.Sinks {
			res.Sinks = append(res.Sinks, h.Export)
		}
	}
}
