package flow

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/suppress"
)

// DefaultPhoneCountry is the region assumed for phone numbers in national
// form on suppression lists: TPS and CTPS are UK registers. A list may set
// another with a `country` column holding ISO codes per row in a later
// version; today the default is GB.
const DefaultPhoneCountry = "GB"

// scratchDB is an in-memory database attached for the length of a run
// (and of validation), for work tables that more than one connection
// reads (a TEMP table is its connection's alone): the suppression lists,
// hashed on a connection of their own while the sources stage and merged
// into the store in the run's write transaction, and prospects_work,
// classified on a second connection while the first publishes it. The SQL
// files name it literally.
const scratchDB = "pl_scratch"

// attachScratchSQL attaches scratchDB (for every connection of the
// database); detachScratchSQL frees it.
var (
	attachScratchSQL = engine.MustRender("scratch_attach", scratchDB)
	detachScratchSQL = engine.MustRender("scratch_detach", scratchDB)
)

// preparedList is one suppression list, normalised and hashed into a
// scratch table, or the problem met on the way.
type preparedList struct {
	ready    chan struct{}
	table    engine.Table // in scratchDB
	in       int64
	unusable int64
	took     time.Duration
	err      error
	// fingerprint is the list's listFingerprint ("" when it has none);
	// unchanged is set when it and the store's entries for the list are
	// as the last sync (run since) left them: nothing was hashed.
	fingerprint string
	unchanged   bool
	since       string
	// read is set when the list was read (not unchanged): rejected is
	// then its count of rejected lines (stored in rejects by
	// collectListRejects) and firstRejects the first few, by line and
	// error type.
	read         bool
	rejected     int64
	firstRejects string
}

// listPrep hashes the run's suppression lists in the background; see
// startListPrep.
type listPrep struct {
	done  chan struct{}
	lists map[string]*preparedList // by source name
}

// startListPrep normalises and hashes every suppression list, in config
// order, on a connection of its own, so that the work (pl_phone, sha256:
// seconds at millions of entries) overlaps staging instead of following
// enrichment. Nothing in the warehouse changes: the hashes wait in
// scratchDB (attached first) for syncLists. Wait for it with wait.
func (rn *run) startListPrep(ctx context.Context) *listPrep {
	lp := &listPrep{done: make(chan struct{}), lists: map[string]*preparedList{}}
	type job struct {
		idx  int
		name string
		src  *config.Source
		pl   *preparedList
	}
	var jobs []job
	for i, name := range rn.Config.SourceOrder {
		if src := rn.Config.Sources[name]; src.Role == "suppression" {
			pl := &preparedList{ready: make(chan struct{}), table: engine.Table{Catalog: scratchDB, Name: fmt.Sprintf("supp_in_%d", i)}}
			lp.lists[name] = pl
			jobs = append(jobs, job{i, name, src, pl})
		}
	}
	go func() {
		defer close(lp.done)
		c, err := rn.db.Conn(ctx)
		if err == nil {
			defer c.Close()
		}
		for _, j := range jobs {
			if err == nil {
				t0 := time.Now()
				j.pl.err = rn.prepareList(ctx, c, j.idx, j.name, j.src, j.pl)
				j.pl.took = time.Since(t0)
			} else {
				j.pl.err = err
			}
			close(j.pl.ready)
		}
	}()
	return lp
}

// wait waits for the preparation to end.
func (lp *listPrep) wait() { <-lp.done }

// prepareList hashes one suppression list into pl.table (in scratchDB).
// Emails and phones are normalised and hashed inside the scan: the raw
// values never reach a table. A list whose files, settings and store
// entries are as its last sync left them (see listFingerprint) is not
// hashed again: pl.unchanged.
func (rn *run) prepareList(ctx context.Context, c *sqlConn, idx int, name string, src *config.Source, pl *preparedList) error {
	scan, closeFn, err := rn.openScan(ctx, c, idx, name, src, true)
	if err != nil {
		return err
	}
	defer closeFn()
	cols, err := rn.scanColumns(ctx, c, name, scan)
	if err != nil {
		return fmt.Errorf("suppression list %q: read columns: %w", name, scan.fail(err))
	}
	valueCol := src.Kind
	if v := stringOption(src.RawOptions, "column"); v != "" {
		valueCol = v
	}
	if m, ok := src.Map[src.Kind]; ok {
		valueCol = m
	}
	data := map[string]any{"Scan": scan.From, "Into": pl.table}
	if contains(cols, valueCol) {
		data["Value"] = valueCol
	}
	if contains(cols, "sha256") {
		data["SHA"] = "sha256"
	}
	if data["Value"] == nil && data["SHA"] == nil {
		return fmt.Errorf("suppression list %q: needs a %q column or a \"sha256\" column (it has: %v)", name, valueCol, cols)
	}
	if src.Kind == "domain" && data["Value"] == nil {
		return fmt.Errorf("suppression list %q: domain lists are kept in clear and need a %q column", name, valueCol)
	}
	p := params{"kind": src.Kind, "phone_country": DefaultPhoneCountry}
	for k, v := range scan.Params {
		p[k] = v
	}
	pl.fingerprint = listFingerprint(name, src, scan, data, p)
	if pl.fingerprint != "" {
		var last listSync
		err := queryRow(ctx, c, "list_sync_last", params{"source": name},
			&last.fingerprint, &last.digest, &last.in, &last.unusable, &last.run)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("suppression list %q: last sync: %w", name, err)
		case last.fingerprint == pl.fingerprint:
			digest, err := storeDigest(ctx, c, name)
			if err != nil {
				return fmt.Errorf("suppression list %q: %w", name, err)
			}
			if digest == last.digest {
				pl.in, pl.unusable, pl.unchanged, pl.since = last.in, last.unusable, true, last.run
				rn.Log.Debug().Str("source", name).Str("since", last.run).Msg("suppression list unchanged: not hashed again")
				return nil
			}
		}
	}
	t0 := time.Now()
	err = execScript(ctx, c, "suppress_sync", data, p)
	rn.Log.Debug().Str("stage", StageStage).Str("source", name).Str("sql", "suppress_sync.sql").Dur("took_ms", time.Since(t0)).Bool("failed", err != nil).Msg("sql")
	if err != nil {
		return fmt.Errorf("suppression list %q: %w", name, scan.fail(err))
	}
	if err := rn.collectListRejects(ctx, c, name, scan, pl); err != nil {
		return fmt.Errorf("suppression list %q: rejects: %w", name, err)
	}
	// a file that changed while it was read is not fingerprinted: what
	// was hashed may be neither version, and the next run syncs it again
	if pl.fingerprint != "" && listFingerprint(name, src, scan, data, p) != pl.fingerprint {
		pl.fingerprint = ""
	}
	return c.QueryRowContext(ctx, engine.MustRender("list_counts", pl.table)).Scan(&pl.in, &pl.unusable)
}

// listSync is a row of list_syncs.
type listSync struct {
	fingerprint, digest, run string
	in, unusable             int64
}

// listFingerprint identifies what a sync of a list stored: SHA-256 over
// the contents of its files, its settings (kind, reason, columns, the
// scan and its parameters) and the running binary (path, size, time: a
// new build may normalise differently, so it syncs every list again).
// "" when the list is not read from local files, or one cannot be read:
// it is then synced on every run, as before.
func listFingerprint(name string, src *config.Source, scan *scanSQL, data map[string]any, p params) string {
	paths, ok := scan.Params["path"].([]string)
	exe := executableStamp()
	if !ok || len(paths) == 0 || scan.release != nil || exe == "" {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "list sync 1\x00%s\x00%s\x00%s\x00%s\x00%v\x00%v\x00%s\x00%v\x00",
		exe, name, src.Kind, src.Reason, data["Value"], data["SHA"], scan.From.Key(), map[string]any(p))
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return ""
		}
		n, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			return ""
		}
		fmt.Fprintf(h, "\x00%s\x00%d\x00", path, n)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// executableStamp names the running binary by path, size and
// modification time ("" when unknown).
var executableStamp = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	st, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprint(exe, "\x00", st.Size(), "\x00", st.ModTime().UnixNano())
})

// storeDigest is list_sync_digest.sql: the store's entries of one list,
// digested.
func storeDigest(ctx context.Context, c *sqlConn, source string) (string, error) {
	var d string
	if err := queryRow(ctx, c, "list_sync_digest", params{"source": source}, &d); err != nil {
		return "", fmt.Errorf("store digest: %w", err)
	}
	return d, nil
}

// queryRow runs an embedded single-row query with named parameters and
// scans its row into dest (sql.ErrNoRows when there is none).
func queryRow(ctx context.Context, c *sqlConn, name string, p params, dest ...any) error {
	q, err := renderPlain(name)
	if err != nil {
		return err
	}
	return c.QueryRowContext(ctx, q, p.Args()...).Scan(dest...)
}

// recordListSync records a merged list's fingerprint and the store's
// digest after the merge (list_sync_record.sql, in the run's write
// transaction), or forgets a list that has no fingerprint.
func (rn *run) recordListSync(ctx context.Context, c *sqlConn, name string, pl *preparedList) error {
	digest := ""
	if pl.fingerprint != "" {
		var err error
		if digest, err = storeDigest(ctx, c, name); err != nil {
			return err
		}
	}
	return rn.exec(ctx, c, "list_sync_record", nil, params{"source": name, "fingerprint": pl.fingerprint, "digest": digest,
		"rows_in": pl.in, "unusable": pl.unusable, "run_id": rn.id, "now": rn.started})
}

// syncSuppression merges one prepared suppression list into the store
// (in the run's write transaction): entries that left the list leave it,
// unless their reason is sticky (suppress.StickyReasons: objections and
// unsubscribes are only ever added by a sync).
func (rn *run) syncSuppression(ctx context.Context, c *sqlConn, name string, src *config.Source) (StageRow, error) {
	pl := rn.lists.lists[name]
	select {
	case <-pl.ready:
	case <-ctx.Done():
		return StageRow{}, ctx.Err()
	}
	if pl.err != nil {
		return StageRow{}, pl.err
	}
	note := fmt.Sprintf("unchanged since run %s (same files, settings and store entries): not hashed again", pl.since)
	if !pl.unchanged {
		p := params{"kind": src.Kind, "reason": src.Reason, "source": name, "now": rn.started, "sticky": suppress.StickyReasons}
		if err := rn.exec(ctx, c, "suppress_merge", map[string]any{"In": pl.table, "Sorted": engine.SortForLookups(pl.in)}, p); err != nil {
			return StageRow{}, fmt.Errorf("suppression list %q: %w", name, err)
		}
		if err := rn.recordListSync(ctx, c, name, pl); err != nil {
			return StageRow{}, fmt.Errorf("suppression list %q: record the sync: %w", name, err)
		}
		// the row's time is the merge's; the hashing ran alongside staging
		note = fmt.Sprintf("hashed in %.2f s alongside staging", pl.took.Seconds())
	}
	out, err := count(ctx, c, engine.SQL("suppression_source_count"), name)
	if err != nil {
		return StageRow{}, err
	}
	row := StageRow{RowsIn: pl.in + pl.rejected, RowsOut: out, Rejected: pl.unusable + pl.rejected, Note: note}
	if pl.unusable > 0 {
		row.Note = fmt.Sprintf("%d entries not usable as a %s (not stored); %s", pl.unusable, src.Kind, row.Note)
	}
	if pl.rejected > 0 {
		row.Note = fmt.Sprintf("%d malformed lines rejected (%s; kept in table rejects); %s", pl.rejected, pl.firstRejects, row.Note)
	}
	return row, nil
}

func stringOption(m map[string]any, key string) string {
	if s, ok := m[key].(string); ok {
		return s
	}
	return ""
}

// suppress screens prospects into deliverable.
func (rn *run) suppress(ctx context.Context, c *sqlConn) error {
	t0 := time.Now()
	if err := rn.exec(ctx, c, "suppress_deliverable", nil, params{"now": rn.started}); err != nil {
		return err
	}
	if err := rn.storeKeyed(ctx, c, "deliverable", "deliverable_next"); err != nil {
		return err
	}
	in, err := countTable(ctx, c, "prospects")
	if err != nil {
		return err
	}
	out, err := countTable(ctx, c, "deliverable")
	if err != nil {
		return err
	}
	phones, err := count(ctx, c, engine.SQL("suppress_phone_hits"))
	if err != nil {
		return err
	}
	q, err := renderPlain("suppress_counts")
	if err != nil {
		return err
	}
	rows, err := c.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s SuppressionCount
		if err := rows.Scan(&s.List, &s.Kind, &s.Reason, &s.People); err != nil {
			return err
		}
		rn.report.Suppression = append(rn.report.Suppression, s)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	row := StageRow{Stage: StageSuppress, Step: "deliverable", RowsIn: in, RowsOut: out, Suppressed: in - out, Duration: time.Since(t0)}
	if phones > 0 {
		row.Note = fmt.Sprintf("%d phone numbers removed (phone lists)", phones)
	}
	rn.report.add(row)
	rn.progress("suppress: %d of %d prospects deliverable", out, in)
	return nil
}
