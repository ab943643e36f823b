package flow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/csvread"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/normalize"
	"github.com/example/pipeline/pipeline/warehouse"
)

// Canonical columns per source role (docs/design.md).
var (
	CompanyColumns = []string{"domain", "name", "industry", "employees", "country", "email_pattern", "company_type"}
	PeopleColumns  = []string{"first_name", "last_name", "email", "job_title", "company_domain", "phone", "linkedin_url", "country"}
	provenance     = []string{"_source", "_run_id", "_loaded_at"}
)

type sourceInfo struct {
	Layout  *warehouse.RawLayout // where this run wrote the raw files (nil in validate)
	Name    string
	Table   string   // the raw table (raw_<source>)
	Staged  string   // where this run staged it: read this (raw_<source>__next; in validate the same as Table)
	Columns []string // canonical/carried names in the raw table (without provenance)
}

type column struct{ Src, Dst string }

// scanSQL is how the stage SQL reads one source: an engine.Scan the
// templates render ({{scan .Scan}}) from fixed function names, whitelisted
// option and parameter names and our own generated identifiers; paths and
// options are bound parameters.
type scanSQL struct {
	From    engine.Scan // the scan as staged (CSV: malformed rows stored as rejects)
	Probe   engine.Scan // the same scan that skips malformed rows and records nothing: column and count probes
	Params  params
	Rejects [2]string // errors and scans tables, CSV only
	// CSV is the screened CSV file (nil for other scans): its columns,
	// dialect and the lines the screen rejected.
	CSV *csvread.File
	// csvPath is the CSV file a scan reads ("" for other scans): DuckDB's
	// errors over it are replaced by csvread.Failure's.
	csvPath string
	release func()
}

// fail returns err as the stage reports it: for a CSV scan, without
// DuckDB's message (it may quote the file).
func (s *scanSQL) fail(err error) error {
	if s.csvPath == "" || err == nil {
		return err
	}
	return csvread.Failure(s.csvPath, err)
}

// csvParams are the read_csv parameters a connector may set.
var csvParams = map[string]bool{"delim": true, "header": true, "encoding": true, "quote": true, "escape": true, "new_line": true}

// csvArg is one named argument of read_csv or sniff_csv
// (sql/csv_args.sql): its value is bound as $Param, cast to Cast if set.
type csvArg = engine.CSVArg

// csvScan is a CSV scan (sql/csv_scan.sql): with rejects (its table and
// scan names) set, malformed rows are stored there; otherwise they are
// skipped.
func csvScan(args []csvArg, rejects [2]string) engine.Scan {
	return engine.Scan{CSV: &engine.CSVScan{Args: args, RejectsTable: rejects[0], RejectsScan: rejects[1]}}
}

// csvArgList turns a source's csv options into csvArgs, in name order,
// and adds their values to p.
func csvArgList(m map[string]string, p params) []csvArg {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]csvArg, 0, len(keys))
	for _, k := range keys {
		a := csvArg{Name: k, Param: "p_" + k}
		switch k {
		case "header":
			a.Cast = "BOOLEAN"
		case "skip", "buffer_size":
			a.Cast = "BIGINT"
		}
		p[a.Param] = m[k]
		out = append(out, a)
	}
	return out
}

func (rn *run) openScan(ctx context.Context, c *sqlConn, idx int, name string, src *config.Source, rejects bool) (*scanSQL, func() error, error) {
	conn, closeFn, err := rn.Connectors.Source(ctx, src.Connector)
	if err != nil {
		return nil, nil, fmt.Errorf("source %q: connector %q: %w", name, src.Connector, err)
	}
	scan, err := conn.Scan(ctx, connectors.ScanRequest{Source: name, Options: src.Options})
	if err != nil {
		closeFn()
		return nil, nil, fmt.Errorf("source %q (connector %s): %w", name, src.Connector, err)
	}
	s, err := rn.scanFragment(ctx, c, idx, name, scan, rejects)
	if err != nil {
		closeFn()
		return nil, nil, fmt.Errorf("source %q (connector %s): %w", name, src.Connector, err)
	}
	return s, func() error {
		if s.release != nil {
			s.release()
		}
		return closeFn()
	}, nil
}

func (rn *run) scanFragment(ctx context.Context, c *sqlConn, idx int, name string, scan *connectors.Scan, rejects bool) (*scanSQL, error) {
	p := params{}
	if n := scan.Native; n != nil {
		if len(n.Paths) == 0 {
			return nil, fmt.Errorf("native scan without paths")
		}
		p["path"] = n.Paths
		switch n.Format {
		case connectors.FormatCSV:
			for k := range n.Params {
				if !csvParams[k] {
					return nil, fmt.Errorf("csv parameter %q not supported", k)
				}
			}
			if s, ok, err := rn.screenedScan(ctx, idx, n, rejects); ok || err != nil {
				return s, err
			}
			args := csvArgList(rn.csvDialect(ctx, c, n.Paths, n.Params), p)
			// Malformed rows never stop a scan: they are stored as rejects, or
			// skipped (probes, and suppression lists, whose raw lines must
			// never be stored). Without this DuckDB's sniffer may fall back to
			// one column when it meets a bad row.
			s := &scanSQL{Params: p, Probe: csvScan(args, [2]string{}), csvPath: n.Paths[0]}
			s.From = s.Probe
			if rejects {
				s.Rejects = [2]string{fmt.Sprintf("_rejects_%d", idx), fmt.Sprintf("_reject_scans_%d", idx)}
				s.From = csvScan(args, s.Rejects)
			}
			return s, nil
		case connectors.FormatParquet:
			return &scanSQL{From: engine.Scan{Parquet: true}, Probe: engine.Scan{Parquet: true}, Params: p}, nil
		default:
			return nil, fmt.Errorf("native scan format %q not supported", n.Format)
		}
	}
	if scan.Records != nil {
		// An Arrow stream can be read once, but the stage reads a source
		// more than once (probes, tombstone count): land it in a temp table
		// (memory, spilling to temp_directory; never the warehouse file).
		view, tmp := fmt.Sprintf("_arrow_%d", idx), fmt.Sprintf("_stream_%d", idx)
		release, err := registerArrow(ctx, c, view, scan.Records)
		if err != nil {
			return nil, err
		}
		err = execScript(ctx, c, "stream_land", map[string]string{"Table": tmp, "View": view}, nil)
		release()
		if err != nil {
			return nil, fmt.Errorf("read record stream: %w", err)
		}
		drop := func() { _ = execScript(context.WithoutCancel(ctx), c, "temp_drop", tmp, nil) }
		return &scanSQL{From: engine.Scan{Table: tmp}, Probe: engine.Scan{Table: tmp}, Params: p, release: drop}, nil
	}
	return nil, fmt.Errorf("connector returned neither a native scan nor a record stream")
}

// stageSources reads every companies, people and reference source into
// this run's raw files and its next raw view (raw_<source>__next, see
// Next), with its rejects.
func (rn *run) stageSources(ctx context.Context, c *sqlConn) error {
	if err := warehouse.CheckRawRoot(rn.Config.Warehouse); err != nil {
		return err
	}
	tombstones, err := loadTombstones(ctx, c, rn.db)
	if err != nil {
		return err
	}
	if err := rn.loadExpired(ctx, c); err != nil {
		return err
	}
	// the companies first: with a tombstone, a person without an email is
	// screened on the email their company's pattern gives (stage_derive.go)
	if err := rn.eachSource(func(i int, name string, src *config.Source) (StageRow, error) {
		if src.Role != "companies" {
			return StageRow{}, errSkip
		}
		return rn.stageSource(ctx, c, i, name, src, false)
	}); err != nil {
		return err
	}
	derive := false
	if tombstones > 0 || len(rn.expired) > 0 {
		if derive, err = rn.buildStagePatterns(ctx, c); err != nil {
			return err
		}
	}
	err = rn.eachSource(func(i int, name string, src *config.Source) (StageRow, error) {
		if src.Role == "suppression" || src.Role == "companies" {
			return StageRow{}, errSkip
		}
		return rn.stageSource(ctx, c, i, name, src, derive && (tombstones > 0 || len(rn.expired[name]) > 0))
	})
	if err != nil {
		return err
	}
	return rn.keepListRejects(ctx, c)
}

// loadTombstones gives the stage's pl_stage_email and pl_stage_erased the
// erasure tombstones and returns how many there are.
func loadTombstones(ctx context.Context, c *sqlConn, db *engine.DB) (int, error) {
	rows, err := c.QueryContext(ctx, engine.SQL("tombstone_hashes"))
	if err != nil {
		return 0, fmt.Errorf("erasure tombstones: %w", err)
	}
	defer rows.Close()
	var hashes []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return 0, fmt.Errorf("erasure tombstones: %w", err)
		}
		hashes = append(hashes, h)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("erasure tombstones: %w", err)
	}
	if err := db.SetErasedEmails(hashes); err != nil {
		return 0, fmt.Errorf("suppression store: %w", err)
	}
	return len(hashes), nil
}

// syncLists syncs every suppression list into the store.
func (rn *run) syncLists(ctx context.Context, c *sqlConn) error {
	return rn.eachSource(func(i int, name string, src *config.Source) (StageRow, error) {
		if src.Role != "suppression" {
			return StageRow{}, errSkip
		}
		return rn.syncSuppression(ctx, c, name, src)
	})
}

var errSkip = errors.New("skip")

func (rn *run) eachSource(fn func(i int, name string, src *config.Source) (StageRow, error)) error {
	for i, name := range rn.Config.SourceOrder {
		t0 := time.Now()
		rn.watchStep(StageStage + " " + name)
		row, err := fn(i, name, rn.Config.Sources[name])
		if errors.Is(err, errSkip) {
			continue
		}
		if err != nil {
			return err
		}
		row.Stage, row.Step, row.Duration = StageStage, name, time.Since(t0)
		rn.report.add(row)
		rn.progress("stage %s: %d rows", name, row.RowsOut)
	}
	return nil
}

// stageSource stages one source. derive: stage_patterns holds company
// email patterns and there are tombstones, so a people row without an
// email is screened on its derived email too.
func (rn *run) stageSource(ctx context.Context, c *sqlConn, idx int, name string, src *config.Source, derive bool) (StageRow, error) {
	scan, closeFn, err := rn.openScan(ctx, c, idx, name, src, !rn.shardDropsRejects(src))
	if err != nil {
		return StageRow{}, err
	}
	defer closeFn()
	cols, err := rn.scanColumns(ctx, c, name, scan)
	if err != nil {
		return StageRow{}, fmt.Errorf("source %q: read columns: %w", name, scan.fail(err))
	}
	cols2, err := mapColumns(name, src, cols)
	if err != nil {
		return StageRow{}, err
	}
	if isConsent(src) {
		return rn.stageConsent(ctx, c, name, scan, cols2)
	}
	info, bucketCol := rn.newSourceInfo(name, src, cols2)
	rn.sources[name] = info
	if err := os.MkdirAll(filepath.Dir(info.Layout.Dir), 0o700); err != nil {
		return StageRow{}, fmt.Errorf("source %q: raw files: %w", name, err)
	}
	p := params{"source": name, "run_id": rn.id, "now": rn.started, "dir": info.Layout.Dir, "buckets": fmt.Sprint(info.Layout.Buckets),
		"modulus": fmt.Sprint(normalize.EmailModulus(max(info.Layout.Buckets, 1)))}
	if bucketCol == "" { // one file, in a folder of its own
		if err := os.MkdirAll(info.Layout.Dir, 0o700); err != nil {
			return StageRow{}, fmt.Errorf("source %q: raw files: %w", name, err)
		}
		p["dir"] = filepath.Join(info.Layout.Dir, "part-0.parquet")
	}
	for k, v := range scan.Params {
		p[k] = v
	}
	data := map[string]any{"Columns": cols2, "Scan": rn.shardScan(scan.From, p, src, cols2), // a sharded run stages its own rows only
		"BucketEmail": bucketCol, "Compression": info.Layout.Compression, "Source": name, "RunID": rn.id,
		"NameSub": bucketCol != "" && slices.Contains(info.Columns, "first_name") && slices.Contains(info.Columns, "last_name")}
	if derive {
		if d := deriveData(src, cols2); d != nil {
			data["Derive"] = d
		}
	}
	// rows of erased subjects are refused and counted by pl_stage_email
	// (and pl_stage_erased, on derived emails)
	// (and those of subjects past retention from this source, seen.go)
	refused0 := rn.db.Refused()
	expiredDone, err := rn.screenExpired(name)
	if err != nil {
		return StageRow{}, fmt.Errorf("source %q: %w", name, err)
	}
	err = rn.stageRows(ctx, c, name, bucketCol != "", data, p)
	expired, eerr := expiredDone()
	if err = errors.Join(err, eerr); err != nil {
		return StageRow{}, fmt.Errorf("source %q: %w", name, scan.fail(err))
	}
	refused := rn.db.Refused() - refused0
	files, err := warehouse.RawFiles(*info.Layout)
	if err != nil {
		return StageRow{}, fmt.Errorf("source %q: raw files: %w", name, err)
	}
	if len(files) == 0 { // no rows: one empty file gives the view its columns
		data["Empty"], data["Scan"], data["Derive"] = true, scan.Probe, nil
		p["dir"] = filepath.Join(info.Layout.Dir, "empty.parquet")
		if err := rn.exec(ctx, c, "stage_table", data, p); err != nil {
			return StageRow{}, fmt.Errorf("source %q: %w", name, scan.fail(err))
		}
	}
	if err := warehouse.CreateRawView(ctx, c, info.Staged, info.Layout.Dir); err != nil {
		return StageRow{}, fmt.Errorf("source %q: %w", name, err)
	}
	out, err := countTable(ctx, c, info.Staged)
	if err != nil {
		return StageRow{}, err
	}
	return rn.stagedRow(ctx, c, name, src, scan, out, refused, expired)
}

// stageRows runs stage_table.sql for source name; with collect (a people
// source with emails) the subjects it buckets are kept for the retention
// bookkeeping (seen.go) if, and only if, it succeeds.
func (rn *run) stageRows(ctx context.Context, c *sqlConn, name string, collect bool, data map[string]any, p params) error {
	if !collect {
		return rn.exec(ctx, c, "stage_table", data, p)
	}
	rn.db.CollectSubjects()
	if err := rn.exec(ctx, c, "stage_table", data, p); err != nil {
		rn.db.StopSubjects()
		return err
	}
	rn.db.EndSubjects(name)
	return nil
}

// newSourceInfo is where a source's rows are staged: the raw table, its
// staged view and the run's raw-file layout, bucketed by the email column
// of a people source (bucketCol, the scan's column; "" when not bucketed).
func (rn *run) newSourceInfo(name string, src *config.Source, cols []column) (info *sourceInfo, bucketCol string) {
	info = &sourceInfo{Name: name, Table: warehouse.RawTable(name), Staged: warehouse.Next(warehouse.RawTable(name))}
	for _, col := range cols {
		info.Columns = append(info.Columns, col.Dst)
		if col.Dst == "email" && src.Role == "people" {
			bucketCol = col.Src
		}
	}
	info.Layout = &warehouse.RawLayout{
		Table: info.Table, Dir: filepath.Join(warehouse.RawRoot(rn.Config.Warehouse), info.Table, rn.id), RunID: rn.id,
		Compression: rawCodec(rn.Config),
	}
	if bucketCol != "" {
		info.Layout.Buckets, info.Layout.BucketColumn = rn.Config.Engine.RawBuckets, "email"
	}
	return info, bucketCol
}

// stagedRow stores a staged source's rejects and makes its report row
// (out rows staged, refused rows of erased subjects); it fails when the
// source's rejects pass its limit. expired: rows of subjects past the
// source's retention, refused (seen.go).
func (rn *run) stagedRow(ctx context.Context, c *sqlConn, name string, src *config.Source, scan *scanSQL, out, refused, expired int64) (StageRow, error) {
	var rejected int64
	var first string
	var err error
	if (scan.Rejects[0] != "" || scan.CSV != nil) && !rn.shardDropsRejects(src) {
		if err := rn.storeRejects(ctx, c, name, scan, false); err != nil {
			return StageRow{}, fmt.Errorf("source %q: rejects: %w", name, err)
		}
		if rejected, first, err = rn.rejectSummary(ctx, c, name); err != nil {
			return StageRow{}, fmt.Errorf("source %q: rejects: %w", name, err)
		}
	}
	row := StageRow{RowsIn: out + rejected + refused + expired, RowsOut: out, Rejected: rejected, Suppressed: refused, Expired: expired}
	if refused > 0 {
		row.Note = fmt.Sprintf("%d rows of erased subjects refused", refused)
		rn.Log.Info().Str("source", name).Int64("refused", refused).Msg("rows of erased subjects refused at stage")
	}
	row.Note = expiredNote(row.Note, expired)
	if rejected > 0 {
		rn.Log.Warn().Str("source", name).Int64("rejected", rejected).Str("first", first).Msg("malformed lines quarantined in table rejects")
		lines, err := rn.shardRejectBase(ctx, c, src, scan, row.RowsIn, rejected)
		if err != nil {
			return row, fmt.Errorf("source %q: rejects: %w", name, err)
		}
		if err := rn.rejectRateError(name, src, rejected, lines, first); err != nil {
			return row, err
		}
	}
	return row, nil
}

// rawCodec is the Parquet codec of the raw files (engine.raw_compression).
func rawCodec(cfg *config.Config) string {
	if cfg.Engine.RawCompression == config.RawCompressionSmall {
		return "zstd"
	}
	return "uncompressed"
}

// mapColumns applies `map:` (canonical <- source column) and checks it.
func mapColumns(name string, src *config.Source, cols []string) ([]column, error) {
	have := map[string]bool{}
	for _, c := range cols {
		have[c] = true
	}
	rename := map[string]string{}
	for canon, from := range src.Map {
		if !have[from] {
			return nil, mapErrorf("source %q: map: %s <- %q, but the source has no column %q (it has: %s)",
				name, canon, from, from, strings.Join(cols, ", "))
		}
		rename[from] = canon
	}
	var out []column
	seen := map[string]bool{}
	for _, c := range cols {
		dst := c
		if r, ok := rename[c]; ok {
			dst = r
		} else if _, mappedAway := src.Map[c]; mappedAway {
			// a source column named like a canonical column that another
			// column is mapped onto keeps its data under a suffixed name
			dst = c + "_src"
		}
		if strings.HasPrefix(dst, "_") {
			return nil, mapErrorf("source %q: column %q: names beginning with _ are the pipeline's own (%s, _bucket, ...); rename it with map: {new_name: %q}",
				name, dst, strings.Join(provenance, ", "), c)
		}
		if seen[dst] {
			return nil, mapErrorf("source %q: two columns would be named %q after map:", name, dst)
		}
		seen[dst] = true
		out = append(out, column{Src: c, Dst: dst})
	}
	return out, nil
}

// mapError is a problem of a source's columns against its `map:` (a
// config error where validation positions it).
type mapError string

func (e mapError) Error() string { return string(e) }

func mapErrorf(format string, args ...any) error { return mapError(fmt.Sprintf(format, args...)) }

func (rn *run) progress(format string, args ...any) {
	if rn.Progress != nil {
		fmt.Fprintf(rn.Progress, format+"\n", args...)
	}
}
