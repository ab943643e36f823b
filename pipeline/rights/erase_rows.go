package rights

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// deleteRows deletes the subject's rows from every table Find searched:
// first the raw tables' files and subject_seen's (each rewritten and
// renamed into place, so a crash leaves every file whole, and the re-run's
// search finds what is left), then the warehouse tables, the rejects, and last the lineage, in
// one transaction.
func deleteRows(ctx context.Context, c *sql.Conn, f *Findings, j *Journal) (err error) {
	for _, t := range f.Tables {
		if t.match.Raw == nil {
			continue
		}
		n, err := rewriteRawFiles(ctx, c, f, t)
		if err != nil {
			return fmt.Errorf("%s: %w", t.Table, err)
		}
		j.Counts["table:"+t.Table] = n
	}
	if j.Counts["subject_seen"], err = eraseSeen(ctx, c, f.Subject.Key); err != nil {
		return err
	}
	return engine.InTx(ctx, c, func() error { return deleteWarehouseRows(ctx, c, f, j) })
}

// deleteWarehouseRows deletes the subject's rows from the warehouse
// tables, the rejects, the corrections and the lineage, counting them in
// j; the caller holds the transaction.
func deleteWarehouseRows(ctx context.Context, c *sql.Conn, f *Findings, j *Journal) (err error) {
	for _, t := range f.Tables {
		if t.match.Raw != nil {
			continue
		}
		n, err := deleteTableRows(ctx, c, f, t)
		if err != nil {
			return fmt.Errorf("%s: %w", t.Table, err)
		}
		j.Counts["table:"+t.Table] = n
	}
	n, err := execT(ctx, c, "erase_rejects", nil, rejectParams(f.Subject.Email))
	if err != nil {
		return err
	}
	m, err := eraseRejectsByPhone(ctx, c, f)
	if err != nil {
		return err
	}
	n += m
	j.Counts["rejects"] = n
	// the corrections the subject asked for (pipeline rectify) hold their data too
	if j.Counts["rectifications"], err = execT(ctx, c, "rectify_erase", nil, params{"key": f.Subject.Key}); err != nil {
		return err
	}
	if n, err = execT(ctx, c, "erase_lineage", nil, params{"key": f.Subject.Key}); err != nil {
		return err
	}
	j.Counts["lineage"] = n
	// values deleted from the file stay in its free blocks: recorded in
	// this transaction, not only in the journal's counts (a crash before
	// the journal is saved makes the re-run delete, and count, nothing)
	// (deleteTableRows marks it for a table's rows)
	if j.Counts["rejects"]+j.Counts["rectifications"] > 0 {
		return warehouse.MarkScrub(ctx, c, warehouse.ScrubErased)
	}
	return nil
}

// removeRows deletes the subject's rows from table t where it is: a
// table's files rewritten without them (rewriteRawFiles), a warehouse
// table's rows deleted (deleteTableRows).
func removeRows(ctx context.Context, c *sql.Conn, f *Findings, t TableHit) (int64, error) {
	if t.match.Raw != nil {
		return rewriteRawFiles(ctx, c, f, t)
	}
	return deleteTableRows(ctx, c, f, t)
}

// maxRowIDDelete is the most rowids an erasure lists in its DELETE; a
// subject with more rows in one table is deleted by the predicate alone.
const maxRowIDDelete = 10000

// deleteTableRows deletes the subject's rows from one table: first by the
// rowids the search read (DuckDB reads only those rows, where the
// predicate would scan the whole table again), each still
// checked by the predicate; if that deletes fewer rows than found (a
// rowid moved since the search), by the predicate over the whole table.
// The table is in the warehouse file: the file is marked for scrubbing
// first (its values stay in free blocks; fail closed).
func deleteTableRows(ctx context.Context, c *sql.Conn, f *Findings, t TableHit) (int64, error) {
	if err := warehouse.MarkScrub(ctx, c, warehouse.ScrubTableRowsDeleted); err != nil {
		return 0, err
	}
	d := f.predicateData(t.match)
	var n int64
	if len(t.rowIDs) > 0 && len(t.rowIDs) <= maxRowIDDelete {
		d.RowIDs = t.rowIDs
		var err error
		if n, err = execT(ctx, c, "erase_delete", d, f.params()); err != nil {
			return 0, err
		}
		if n == int64(len(t.rowIDs)) {
			return n, nil
		}
		f.log.Warn().Str("table", t.Table).Int64("deleted", n).Int("found", len(t.rowIDs)).
			Msg("erasure: rows moved since the search; deleting by the predicate over the whole table")
		d.RowIDs = nil
	}
	m, err := execT(ctx, c, "erase_delete", d, f.params())
	return n + m, err
}

// rewriteRawFiles rewrites each raw file of table t that holds rows of the
// subject without them (erase_raw.sql): by the rows' places the search
// found, each still checked by the predicate; if that leaves out fewer
// rows than found (the file changed since the search), by the predicate
// over the whole file. Only those files are rewritten: with
// subject-bucketed files, one bucket's.
func rewriteRawFiles(ctx context.Context, c *sql.Conn, f *Findings, t TableHit) (int64, error) {
	files, byFile := groupByFile(t.rowIDs, t.files)
	sort.Strings(files)
	var total int64
	for _, file := range files {
		n, err := rewriteRawFile(ctx, c, f, t, file, byFile[file])
		if err != nil {
			return total, fmt.Errorf("%s: %w", file, err)
		}
		total += n
	}
	return total, nil
}

func rewriteRawFile(ctx context.Context, c *sql.Conn, f *Findings, t TableHit, file string, rows []int64) (int64, error) {
	before, err := rawRows(ctx, c, file)
	if err != nil {
		return 0, err
	}
	d := f.predicateData(t.match)
	if len(rows) <= maxRowIDDelete {
		d.RowIDs = rows
	}
	for {
		exact := len(d.RowIDs) == 0
		kept, done, err := rewriteRaw(ctx, c, "erase_raw", d, f.params(), file, func(kept int64) bool {
			return exact || before-kept == int64(len(rows))
		})
		if err != nil || done {
			return before - kept, err
		}
		f.log.Warn().Str("table", t.Table).Int64("deleted", before-kept).Int("found", len(rows)).
			Msg("erasure: a raw file changed since the search; rewriting it by the predicate over the whole file")
		d.RowIDs = nil
	}
}
