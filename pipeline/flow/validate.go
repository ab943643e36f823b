package flow

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/example/pipeline/pipeline/classify"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/csvread"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// Validate checks what the config alone cannot: that every source can be
// read and mapped, that the targeting predicate binds against the company
// columns, that every export column exists in prospects and passes the
// export gate by name. It runs the stage list (stages) through the
// recording executor over empty stand-ins of the raw tables in an
// in-memory DuckDB, so the plan it returns (the statements a run
// executes, in the order it executes them, each with its stage) is known
// to bind. Problems come back as config.Diagnostics positioned in
// pipeline.yaml. An LIA dated in the future or past its review_by date
// (as of the clock) is refused first.
func Validate(ctx context.Context, cfg *config.Config, conns connect.Connectors) ([]PlanStep, error) {
	if ds := cfg.CheckLIADates(time.Now()); len(ds) > 0 {
		return nil, ds
	}
	pool := NewPool(conns) // over a caller's pool, its connectors outlive validation
	defer pool.Close()
	conns = pool
	var names []string
	for _, name := range cfg.SourceOrder {
		names = append(names, cfg.Sources[name].Connector)
	}
	pool.PrestartSources(ctx, names...) // plugin start-up overlaps opening DuckDB
	db, err := engine.Open(ctx, engine.Settings{Threads: 1})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := warehouse.EnsureSchema(ctx, db); err != nil {
		return nil, err
	}
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, attachScratchSQL); err != nil {
		return nil, err
	}
	rn := &run{Runner: &Runner{Config: cfg, Connectors: conns}, id: "validate", db: db,
		report: &Report{}, sources: map[string]*sourceInfo{}}
	rec := &recorder{}
	ctx = withRecorder(ctx, rec)
	if err := rn.loadReference(ctx, c); err != nil {
		return nil, err
	}
	list := stages
	if len(cfg.ExportOrder) == 0 {
		list = stages[:1] // what the later stages build is for the exports
	}
	ex := &executor{env: &stageEnv{rn: rn, c: c}, list: list, begun: map[string]bool{}, rec: rec}
	if err := ex.plan(ctx); err != nil {
		if errors.Is(err, errPlanned) {
			return rec.steps, ex.diags
		}
		return rec.steps, err
	}
	return rec.steps, nil
}

// validateSources probes every source, maps its columns and creates an
// empty stand-in for its raw table; the stage's SQL goes to the plan.
// Every source is opened and probed at once, each on a connection of its
// own; the results are then taken in config order.
func (rn *run) validateSources(ctx context.Context, c *sqlConn) (config.Diagnostics, error) {
	cfg := rn.Config
	probes := make([]sourceProbe, len(cfg.SourceOrder))
	var wg sync.WaitGroup
	for i, name := range cfg.SourceOrder {
		wg.Add(1)
		go func() {
			defer wg.Done()
			probes[i] = rn.probeSource(ctx, rn.db, i, name)
		}()
	}
	wg.Wait()
	var diags config.Diagnostics
	for i, name := range cfg.SourceOrder {
		src := cfg.Sources[name]
		pr := probes[i]
		if pr.err != nil {
			return nil, pr.err
		}
		if pr.diag != nil {
			diags = append(diags, *pr.diag)
			continue
		}
		if src.Role == "suppression" {
			continue
		}
		mapped, err := mapColumns(name, src, pr.cols)
		if err != nil {
			diags = append(diags, cfg.Diag(cfg.Pos("sources", name, "map"), "%v", err))
			continue
		}
		info := &sourceInfo{Name: name, Table: warehouse.RawTable(name), Staged: warehouse.RawTable(name)}
		bucketCol := ""
		for _, m := range mapped {
			info.Columns = append(info.Columns, m.Dst)
			if m.Dst == "email" && src.Role == "people" {
				bucketCol = m.Src
			}
		}
		if err := execScript(ctx, c, "validate_table", map[string]any{"Table": info.Table, "Columns": info.Columns}, nil); err != nil {
			return nil, err
		}
		rn.sources[name] = info
		if bucketCol != "" { // the stand-in is empty: so are the subjects it staged
			rn.db.CollectSubjects()
			rn.db.EndSubjects(name)
		}
		record(ctx, "stage_table", "-- "+name+" ("+pr.via+")\n"+engine.MustRender("stage_table", map[string]any{"Columns": mapped, "Scan": pr.from, "BucketEmail": bucketCol, "Compression": rawCodec(cfg), "Source": name, "RunID": "<run_id>"}))
	}
	return diags, nil
}

// validateExports checks every export's columns over the prospects
// table enrichment built: present, not special category, passing the
// export gate by name.
func (rn *run) validateExports(ctx context.Context, c *sqlConn) (config.Diagnostics, error) {
	cfg := rn.Config
	schema, err := prospectsSchema(ctx, c)
	if err != nil {
		return nil, err
	}
	var diags config.Diagnostics
	for _, name := range cfg.ExportOrder {
		ex := cfg.Exports[name]
		for i, col := range ex.Columns {
			if where, ok := rn.droppedSpecial(col); ok && !contains(schema, col) {
				diags = append(diags, cfg.Diag(cfg.Pos("exports", name, "columns", strconv.Itoa(i)),
					"export %q: column %q is special-category data (%s); it is kept in raw only and never exported", name, col, where))
			} else if !contains(schema, col) {
				diags = append(diags, cfg.Diag(cfg.Pos("exports", name, "columns", strconv.Itoa(i)),
					"export %q: column %q is not in the prospects table (it has: %s)", name, col, strings.Join(schema, ", ")))
			}
		}
	}
	if len(diags) > 0 {
		return diags, nil
	}
	pins := ExpandPins(cfg)
	gateErr := Gate(cfg, func(col string) (classify.Result, bool) {
		return classify.ByName("prospects", col, pins), true
	})
	var ge *GateError
	if errors.As(gateErr, &ge) {
		for _, p := range ge.Problems {
			diags = append(diags, cfg.Diag(gatePos(cfg, p), "%s", p))
		}
	}
	return diags, nil
}

// sourceProbe is what validation learns of one source before it maps it:
// its columns and how the stage would scan it, or the problem found.
type sourceProbe struct {
	cols []string
	from engine.Scan
	via  string // the connector, and a CSV file's dialect
	diag *config.Diagnostic
	err  error // not the source's fault: validation stops
}

// probeSource opens one source's connector, validates its options and
// reads its columns, on a connection of its own.
func (rn *run) probeSource(ctx context.Context, db *engine.DB, idx int, name string) sourceProbe {
	cfg := rn.Config
	src := cfg.Sources[name]
	diag := func(pos config.Position, format string, args ...any) sourceProbe {
		d := cfg.Diag(pos, format, args...)
		return sourceProbe{diag: &d}
	}
	conn, closeFn, err := rn.Connectors.Source(ctx, src.Connector)
	if err != nil {
		return diag(cfg.Pos("sources", name, "connector"), "source %q: connector %q: %v", name, src.Connector, err)
	}
	verr := conn.Validate(ctx, src.Options)
	closeFn()
	if verr != nil {
		return diag(cfg.Pos("sources", name, "options"), "source %q: %v", name, verr)
	}
	c, err := db.Conn(ctx)
	if err != nil {
		return sourceProbe{err: err}
	}
	defer c.Close()
	scan, closeScan, err := rn.openScan(ctx, c, idx, name, src, false)
	if errors.Is(err, csvread.ErrData) { // the file's problem, not the config's
		return sourceProbe{err: err}
	}
	if err != nil {
		return diag(cfg.Pos("sources", name), "%v", err)
	}
	cols, err := rn.scanColumns(ctx, c, name, scan)
	closeScan()
	if err = scan.fail(err); errors.Is(err, csvread.ErrData) {
		return sourceProbe{err: fmt.Errorf("source %q: %w", name, err)}
	}
	if err != nil {
		return diag(cfg.Pos("sources", name), "source %q: cannot read columns: %v", name, err)
	}
	pr := sourceProbe{cols: cols, from: scan.From, via: src.Connector}
	if scan.CSV != nil {
		pr.via += "; " + scan.CSV.Dialect.String()
	}
	return pr
}

func gatePos(cfg *config.Config, problem string) config.Position {
	for _, name := range cfg.ExportOrder {
		for i, col := range cfg.Exports[name].Columns {
			if strings.Contains(problem, fmt.Sprintf("export %q column %q", name, col)) {
				return cfg.Pos("exports", name, "columns", strconv.Itoa(i))
			}
		}
	}
	return cfg.Pos("exports")
}

func unwrapAll(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
