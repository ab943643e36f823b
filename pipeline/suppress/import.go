package suppress

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/csvread"
	"github.com/example/pipeline/pipeline/engine"
)

// ImportRequest is one list file to merge into the store.
type ImportRequest struct {
	Path    string // a CSV file with a header
	Kind    Kind
	Reason  string
	Source  string     // "" = "import:" + the file's base name without extension (never a synced list's name)
	Column  string     // the value column; "" = the kind's name
	Country string     // default region for national phone forms; "" = GB
	Expires *time.Time // nil = permanent
	Note    string
	// MaxRejectRate is the share of the file's lines that may be
	// rejected (malformed); nil = none: any rejected line stops the
	// import and nothing is imported (ErrRejected).
	MaxRejectRate *float64
}

// ImportResult counts what Import did.
type ImportResult struct {
	Source   string
	Rows     int64 // data rows read
	Unusable int64 // rows with no valid value or hash (not stored)
	Rejected int64 // malformed lines (in the rejects table, without their content)
	Added    int64 // new entries (duplicates and entries already stored are not added twice)
	Seq      int64 // the audit entry
}

// Import merges a CSV list into the store as entries of one source. The
// file is read and hashed by DuckDB (read_csv, then the same SQL as the
// run's list sync: pl_email/pl_phone/pl_domain and sha256), so raw values
// never pass through Go and a million entries take seconds. The file needs
// a value column (named after the kind, or Column) or a "sha256" column
// holding hex SHA-256 of normalised values; domain lists need the value
// column. Import is additive and audited once, with counts.
func (s *Store) Import(ctx context.Context, r ImportRequest) (ImportResult, error) {
	var res ImportResult
	if err := r.complete(); err != nil {
		return res, err
	}
	res.Source = r.Source
	col := r.Column
	c, err := s.DB.Conn(ctx) // registers pl_*; the temp table lives on this connection
	if err != nil {
		return res, err
	}
	defer c.Close()

	f, err := csvread.Prepare(ctx, c, r.Path, map[string]string{"header": "true"}, "")
	if err != nil {
		return res, fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	scan := f.Scan([2]string{"_import_rejects", "_import_reject_scans"})
	cols := f.Names
	data := map[string]any{"Scan": scan}
	if slices.Contains(cols, col) {
		data["Value"] = col
	}
	if slices.Contains(cols, "sha256") {
		data["SHA"] = "sha256"
	}
	switch {
	case r.Kind == Domain && data["Value"] == nil:
		return res, fmt.Errorf("%w: domain lists are kept in clear and need a %q column (the file has: %s)", ErrUsage, col, strings.Join(cols, ", "))
	case data["Value"] == nil && data["SHA"] == nil:
		return res, fmt.Errorf("%w: the file needs a %q or a \"sha256\" column (it has: %s)", ErrUsage, col, strings.Join(cols, ", "))
	}
	hashSQL, err := engine.Render("suppress_sync", data)
	if err != nil {
		return res, err
	}
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	if err := s.importTx(ctx, tx, r, f, hashSQL, &res); err != nil {
		return res, errors.Join(err, tx.Rollback())
	}
	return res, tx.Commit()
}

// complete checks r and fills its defaults: a reason is required and may
// not be erasure, the source defaults to "import:<file name>" and may not
// be "sync", an expiry must suit the reason, the phone country defaults
// to DefaultPhoneCountry and the value column to the kind's name.
func (r *ImportRequest) complete() error {
	if r.Reason == "" {
		return fmt.Errorf("%w: a reason is required", ErrUsage)
	}
	if r.Reason == ReasonErasure {
		return fmt.Errorf("%w: erasure tombstones are written by `pipeline erase`", ErrUsage)
	}
	if r.Source == "" {
		r.Source = "import:" + strings.TrimSuffix(filepath.Base(r.Path), filepath.Ext(r.Path))
	}
	if r.Source == "sync" {
		return fmt.Errorf("%w: source %q is reserved", ErrUsage, r.Source)
	}
	if err := checkExpiry(r.Reason, r.Expires); err != nil {
		return err
	}
	if r.Country == "" {
		r.Country = DefaultPhoneCountry
	}
	if r.Column == "" {
		r.Column = string(r.Kind)
	}
	return nil
}

// importTx hashes the prepared file f into the store inside tx (hashSQL:
// suppress_sync.sql over f's scan), stores its malformed lines as
// rejects, refuses a file over the reject limit, adds the new entries and
// appends one audit entry; it fills res. The caller commits or rolls back.
func (s *Store) importTx(ctx context.Context, tx *sql.Tx, r ImportRequest, f *csvread.File, hashSQL string, res *ImportResult) error {
	now, actor := s.now(), s.actor()
	var expires, note any
	if r.Expires != nil {
		expires = *r.Expires
	}
	if r.Note != "" {
		note = r.Note
	}
	args := append(f.Params.Args(), sql.Named("kind", string(r.Kind)), sql.Named("phone_country", r.Country))
	if _, err := tx.ExecContext(ctx, hashSQL, args...); err != nil {
		return fmt.Errorf("import: %w", csvread.Failure(r.Path, err))
	}
	var err error
	if res.Rejected, err = importRejects(ctx, tx, r, f, now); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, engine.SQL("suppress_import_counts")).Scan(&res.Rows, &res.Unusable); err != nil {
		return err
	}
	if err := rejectLimit(r, res.Rejected, res.Rows+res.Rejected); err != nil {
		return err
	}
	out, err := tx.ExecContext(ctx, engine.MustRender("suppress_import", map[string]any{"Sorted": engine.SortForLookups(res.Rows)}),
		sql.Named("kind", string(r.Kind)), sql.Named("reason", r.Reason), sql.Named("source", r.Source),
		sql.Named("now", now), sql.Named("actor", actor), sql.Named("expires", expires), sql.Named("note", note))
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	res.Added, _ = out.RowsAffected()
	if _, err := tx.ExecContext(ctx, engine.SQL("suppress_import_drop")); err != nil {
		return err
	}
	details := map[string]any{"kind": string(r.Kind), "reason": r.Reason, "source": r.Source,
		"file": filepath.Base(r.Path), "rows": res.Rows, "unusable": res.Unusable, "rejected": res.Rejected, "added": res.Added}
	if r.Expires != nil {
		details["expires_at"] = r.Expires.Format(time.RFC3339)
	}
	a, err := audit.Append(ctx, tx, audit.Entry{At: now, Actor: actor, Action: ActionImport, Details: details})
	res.Seq = a.Seq
	return err
}

// columns returns a query's column names without reading its rows.
func columns(ctx context.Context, c *sql.Conn, q string, args ...any) ([]string, error) {
	rows, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return rows.Columns()
}
