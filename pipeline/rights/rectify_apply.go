package rights

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/example/pipeline/connectors/manifest"
	"github.com/example/pipeline/pipeline/durable"
	"github.com/example/pipeline/pipeline/exportfiles"
	"github.com/example/pipeline/pipeline/warehouse"
)

// setCol is one column a rectify_table.sql or rectify_rewrite.sql sets,
// and the name of the parameter holding its value.
type setCol struct{ Column, Param string }

// sets are the corrections (and derived values) for a dataset whose
// columns are have, as template data and bound parameters. deliverable
// says the target is delivered data: a corrected phone on a phone list
// stays out of it (” = NULL), as suppress_deliverable.sql keeps it out.
func (v *corrected) sets(have func(string) bool, deliverable bool, p params) []setCol {
	var out []setCol
	for _, x := range append(append([]Correction{}, v.set...), v.derived...) {
		if !have(x.Column) {
			continue
		}
		val := x.Value
		if x.Column == "phone" && deliverable && v.phoneOff {
			val = ""
		}
		name := "v" + strconv.Itoa(len(out))
		p[name] = val
		out = append(out, setCol{Column: x.Column, Param: name})
	}
	return out
}

// rectifyTables applies the corrections to the subject's rows of prospects
// and deliverable (or, when the corrected job title left the target
// roles, deletes them, as the next run would not select them).
func rectifyTables(ctx context.Context, c *sql.Conn, f *Findings, v *corrected) ([]TableChange, error) {
	out := []TableChange{}
	for _, t := range f.Tables {
		if t.Table != "prospects" && t.Table != "deliverable" {
			continue
		}
		var n int64
		var err error
		if v.leftRoles {
			n, err = removeRows(ctx, c, f, t)
		} else {
			p := params{"key": f.Subject.Key}
			cols := v.sets(func(col string) bool { return t.match.columns[col] }, t.Table == "deliverable", p)
			switch {
			case len(cols) == 0:
			case t.match.Raw != nil:
				n, err = rectifyFiles(ctx, c, t, cols, p)
			default: // a table in the warehouse file: the old values stay in its free blocks
				if err = warehouse.MarkScrub(ctx, c, warehouse.ScrubTableRowsDeleted); err == nil {
					n, err = execT(ctx, c, "rectify_table", map[string]any{"Table": t.Table, "Sets": cols}, p)
				}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("rectify: %s: %w", t.Table, err)
		}
		out = append(out, TableChange{Dataset: t.Dataset, Table: t.Table, Rows: n})
	}
	return out, nil
}

// rectifyFiles applies the corrections to the subject's rows of a keyed
// table's files (warehouse.StoreKeyed): each file the search found them
// in is rewritten with the corrected values (rectify_rewrite.sql), renamed
// over the original. It returns the rows corrected.
func rectifyFiles(ctx context.Context, c *sql.Conn, t TableHit, cols []setCol, p params) (int64, error) {
	files, byFile := groupByFile(t.rowIDs, t.files)
	var n int64
	for _, file := range files {
		fp := params{}
		for k, v := range p {
			fp[k] = v
		}
		data := map[string]any{"Sets": cols, "Codec": t.match.Raw.Compression}
		if _, _, err := rewriteRaw(ctx, c, "rectify_rewrite", data, fp, file, func(int64) bool { return true }); err != nil {
			return n, fmt.Errorf("%s: %w", file, err)
		}
		n += int64(len(byFile[file]))
	}
	return n, nil
}

// rectifyExports rewrites each planned export file with the subject's
// corrected values (the columns the file has) into a temp file beside it,
// renamed over the original, then updates each touched export's
// manifest. A file without any corrected column is left as it is.
func rectifyExports(ctx context.Context, c *sql.Conn, j *Journal, key string, v *corrected) error {
	dirs := map[string]map[string]bool{}
	for _, pf := range j.Files {
		path := filepath.Join(pf.Dir, filepath.FromSlash(pf.File))
		if dirs[pf.Dir] == nil {
			dirs[pf.Dir] = map[string]bool{}
		}
		dirs[pf.Dir][pf.File] = true
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			continue // replaced by a later run meanwhile
		}
		have, err := fileColumns(ctx, c, path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		p := params{"file": path, "key": key}
		cols := v.sets(func(col string) bool { return have[col] }, true, p)
		if len(cols) == 0 {
			continue
		}
		tmp := filepath.Join(filepath.Dir(path), ".rectify-"+filepath.Base(path))
		p["tmp"] = tmp
		data, err := exportfiles.KeepKV(ctx, c, path, p)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if data == nil {
			data = map[string]any{}
		}
		data["Sets"], data["Codec"] = cols, "zstd"
		if _, err := execT(ctx, c, "rectify_rewrite", data, p); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := durable.Sync(tmp); err != nil {
			os.Remove(tmp)
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return err
		}
		j.Counts["export_rows"] += int64(pf.Rows)
		j.Counts["export_files"]++
	}
	for d, planned := range dirs {
		if err := manifest.Refresh(d, planned); err != nil {
			return fmt.Errorf("manifest %s: %w", d, err)
		}
	}
	return nil
}

// correctableFiles are the planned files that carry a corrected column
// (the others need no rewrite). A file gone meanwhile is left out.
func correctableFiles(ctx context.Context, c *sql.Conn, files []PlannedFile, v *corrected) ([]PlannedFile, error) {
	out := []PlannedFile{}
	for _, pf := range files {
		path := filepath.Join(pf.Dir, filepath.FromSlash(pf.File))
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			continue
		}
		have, err := fileColumns(ctx, c, path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(v.sets(func(col string) bool { return have[col] }, true, params{})) > 0 {
			out = append(out, pf)
		}
	}
	return out, nil
}

// disclosedTo keeps the recipients whose export carries a corrected column
// (Art. 19: the rectification is told to those the data was disclosed
// to). A recipient whose export's columns are unknown (no longer
// configured) is kept: when in doubt, notify.
func disclosedTo(ns []Notice, v *corrected) []Notice {
	out := []Notice{}
	for _, n := range ns {
		if len(n.Columns) == 0 || len(v.sets(func(col string) bool { return slices.Contains(n.Columns, col) }, true, params{})) > 0 {
			out = append(out, n)
		}
	}
	return out
}

// fileColumns are the columns of one Parquet file.
func fileColumns(ctx context.Context, c *sql.Conn, path string) (map[string]bool, error) {
	q, err := render("rectify_file_columns", nil)
	if err != nil {
		return nil, err
	}
	rows, err := c.QueryContext(ctx, q, params{"file": path}.Args()...)
	if err != nil {
		return nil, fmt.Errorf("rectify_file_columns.sql: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, col := range cols {
		out[col] = true
	}
	return out, rows.Err()
}

// Write prints what Rectify did, and the recipients to notify.
func (r *RectifyResult) Write(w io.Writer) {
	if r.DryRun {
		fmt.Fprintf(w, "DRY RUN — nothing changed. Rectification of subject %s (%s) would:\n", r.SubjectKey, strings.Join(r.Columns, ", "))
	} else {
		r.writeDone(w)
	}
	r.writeChanges(w)
}

func (r *RectifyResult) writeDone(w io.Writer) {
	fmt.Fprintf(w, "rectified: subject %s — %s corrected", r.SubjectKey, strings.Join(r.Columns, ", "))
	if len(r.Recorded) < len(r.Columns) {
		fmt.Fprintf(w, " (already recorded: %d of %d)", len(r.Columns)-len(r.Recorded), len(r.Columns))
	}
	fmt.Fprintf(w, "; every later run applies the correction after staging (audit seq %d)\n", r.Seq)
}

func (r *RectifyResult) writeChanges(w io.Writer) {
	would := map[bool]string{true: "would be ", false: ""}[r.DryRun]
	if r.LeftRoles {
		fmt.Fprintln(w, "  the corrected job title is outside targeting.roles: the subject leaves prospects and every export")
	}
	for _, t := range r.Tables {
		verb := "corrected"
		if r.LeftRoles {
			verb = "removed"
		}
		fmt.Fprintf(w, "  table %s: %d rows %s%s\n", t.Table, t.Rows, would, verb)
	}
	for _, f := range r.Files {
		what := "rewritten with the corrected values"
		if r.LeftRoles {
			what = "rewritten without the subject"
		}
		fmt.Fprintf(w, "  export %s file %s: %s%s (%d rows)\n", f.Export, f.File, would, what, f.Rows)
	}
	for _, s := range r.Sinks {
		fmt.Fprintf(w, "  export %s: its sink cannot be corrected in place — notify the recipient; the next run sends the corrected values\n", s)
	}
	if len(r.Notices) == 0 {
		fmt.Fprintln(w, "Recipients to notify (GDPR Art. 19): none — the subject's data was never exported")
		return
	}
	fmt.Fprintln(w, "Recipients to notify of the correction (GDPR Art. 19):")
	for _, n := range r.Notices {
		fmt.Fprintf(w, "  %s (%s) — export %s (campaign %s), sent %s", n.Recipient, contactText(n.Contact), n.Export, n.Campaign, n.First)
		if n.Last != n.First {
			fmt.Fprintf(w, " … %s", n.Last)
		}
		fmt.Fprintln(w)
	}
}

// CorrectionRecord is one correction recorded for a subject: what the SAR
// shows as "corrected on DATE at your request".
type CorrectionRecord struct {
	Column      string    `json:"column"`
	Value       string    `json:"value"` // "" = the value was removed
	CorrectedAt time.Time `json:"corrected_at"`
	Request     string    `json:"request,omitempty"`
}

// Corrections lists the subject's recorded corrections, oldest first.
func Corrections(ctx context.Context, c *sql.Conn, key string) ([]CorrectionRecord, error) {
	q, err := render("rectify_list", nil)
	if err != nil {
		return nil, err
	}
	rows, err := c.QueryContext(ctx, q, params{"key": key}.Args()...)
	if err != nil {
		return nil, fmt.Errorf("rectify_list.sql: %w", err)
	}
	defer rows.Close()
	out := []CorrectionRecord{}
	for rows.Next() {
		var r CorrectionRecord
		if err := rows.Scan(&r.Column, &r.Value, &r.CorrectedAt, &r.Request); err != nil {
			return nil, err
		}
		r.CorrectedAt = r.CorrectedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
