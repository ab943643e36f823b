package flow

import (
	"context"
	"fmt"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
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
const (
	attachScratchSQL = "ATTACH IF NOT EXISTS ':memory:' AS " + scratchDB
	detachScratchSQL = "DETACH DATABASE IF EXISTS " + scratchDB
)

// preparedList is one suppression list, normalised and hashed into a
// scratch table, or the problem met on the way.
type preparedList struct {
	ready    chan struct{}
	table    string // quoted scratchDB.table
	in       int64
	unusable int64
	took     time.Duration
	err      error
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
			pl := &preparedList{ready: make(chan struct{}), table: scratchDB + "." + engine.Quote(fmt.Sprintf("supp_in_%d", i))}
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
				j.pl.in, j.pl.unusable, j.pl.err = rn.prepareList(ctx, c, j.idx, j.name, j.src, j.pl.table)
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

// prepareList hashes one suppression list into table (in scratchDB).
// Emails and phones are normalised and hashed inside the scan: the raw
// values never reach a table.
func (rn *run) prepareList(ctx context.Context, c *sqlConn, idx int, name string, src *config.Source, table string) (in, unusable int64, err error) {
	scan, closeFn, err := rn.openScan(ctx, c, idx, name, src, false)
	if err != nil {
		return 0, 0, err
	}
	defer closeFn()
	cols, err := rn.scanColumns(ctx, c, name, scan)
	if err != nil {
		return 0, 0, fmt.Errorf("suppression list %q: read columns: %w", name, err)
	}
	valueCol := src.Kind
	if v := stringOption(src.RawOptions, "column"); v != "" {
		valueCol = v
	}
	if m, ok := src.Map[src.Kind]; ok {
		valueCol = m
	}
	data := map[string]any{"Scan": scan.From, "Into": table}
	if contains(cols, valueCol) {
		data["Value"] = valueCol
	}
	if contains(cols, "sha256") {
		data["SHA"] = "sha256"
	}
	if data["Value"] == nil && data["SHA"] == nil {
		return 0, 0, fmt.Errorf("suppression list %q: needs a %q column or a \"sha256\" column (it has: %v)", name, valueCol, cols)
	}
	if src.Kind == "domain" && data["Value"] == nil {
		return 0, 0, fmt.Errorf("suppression list %q: domain lists are kept in clear and need a %q column", name, valueCol)
	}
	p := params{"kind": src.Kind, "phone_country": DefaultPhoneCountry}
	for k, v := range scan.Params {
		p[k] = v
	}
	t0 := time.Now()
	err = execScript(ctx, c, "suppress_sync", data, p)
	rn.Log.Debug().Str("stage", StageStage).Str("source", name).Str("sql", "suppress_sync.sql").Dur("took", time.Since(t0)).Err(err).Msg("sql")
	if err != nil {
		return 0, 0, fmt.Errorf("suppression list %q: %w", name, err)
	}
	err = c.QueryRowContext(ctx, "SELECT count(*), count(*) FILTER (WHERE hash IS NULL) FROM "+table).Scan(&in, &unusable)
	return in, unusable, err
}

// syncSuppression merges one prepared suppression list into the store
// (in the run's write transaction): entries that left the list leave it.
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
	p := params{"kind": src.Kind, "reason": src.Reason, "source": name, "now": rn.started}
	if err := rn.exec(ctx, c, "suppress_merge", map[string]any{"In": pl.table}, p); err != nil {
		return StageRow{}, fmt.Errorf("suppression list %q: %w", name, err)
	}
	out, err := count(ctx, c, "SELECT count(*) FROM suppression WHERE source = $1", name)
	if err != nil {
		return StageRow{}, err
	}
	// the row's time is the merge's; the hashing ran alongside staging
	row := StageRow{RowsIn: pl.in, RowsOut: out, Rejected: pl.unusable,
		Note: fmt.Sprintf("hashed in %.2f s alongside staging", pl.took.Seconds())}
	if pl.unusable > 0 {
		row.Note = fmt.Sprintf("%d entries not usable as a %s (not stored); %s", pl.unusable, src.Kind, row.Note)
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
	in, err := countTable(ctx, c, "prospects")
	if err != nil {
		return err
	}
	out, err := countTable(ctx, c, "deliverable")
	if err != nil {
		return err
	}
	phones, err := count(ctx, c, "SELECT count(DISTINCT subject_key) FROM supp_hits WHERE kind = 'phone'")
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
