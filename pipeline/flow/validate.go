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
	"github.com/example/pipeline/pipeline/csvread"
	"github.com/example/pipeline/pipeline/engine"
)

// Validate checks what the config alone cannot: that every source can be
// read and mapped, that the targeting predicate binds against the company
// columns, that every export column exists in prospects and passes the
// export gate by name. It does so by running the enrich SQL over empty
// copies of the raw tables in an in-memory DuckDB, so the plan it returns
// (every statement a run executes) is known to bind. Problems come back as
// config.Diagnostics positioned in pipeline.yaml. An LIA dated in the
// future or past its review_by date (as of the clock) is refused first.
func Validate(ctx context.Context, cfg *config.Config, conns Connectors) ([]PlanStep, error) {
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
	if err := EnsureSchema(ctx, db); err != nil {
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
	var plan []PlanStep
	rn := &run{Runner: &Runner{Config: cfg, Connectors: conns}, id: "validate", db: db,
		report: &Report{}, sources: map[string]*sourceInfo{}, plan: &plan}
	var diags config.Diagnostics
	if err := rn.loadReference(ctx, c); err != nil {
		return nil, err
	}
	rn.stageName = StageStage
	// every source is opened and probed at once, each on a connection of
	// its own (sniffing a large CSV takes ~0.1 s); the results are then
	// taken in config order
	probes := make([]sourceProbe, len(cfg.SourceOrder))
	var wg sync.WaitGroup
	for i, name := range cfg.SourceOrder {
		wg.Add(1)
		go func() {
			defer wg.Done()
			probes[i] = rn.probeSource(ctx, db, i, name)
		}()
	}
	wg.Wait()
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
		cols := pr.cols
		if src.Role == "suppression" {
			continue
		}
		mapped, err := mapColumns(name, src, cols)
		if err != nil {
			diags = append(diags, cfg.Diag(cfg.Pos("sources", name, "map"), "%v", err))
			continue
		}
		info := &sourceInfo{Name: name, Table: RawTable(name), Staged: RawTable(name)}
		var defs []string
		bucketCol := ""
		for _, m := range mapped {
			info.Columns = append(info.Columns, m.Dst)
			defs = append(defs, engine.Quote(m.Dst)+" VARCHAR")
			if m.Dst == "email" && src.Role == "people" {
				bucketCol = m.Src
			}
		}
		defs = append(defs, "_source VARCHAR", "_run_id VARCHAR", "_loaded_at TIMESTAMP", "_bucket INTEGER")
		if _, err := c.ExecContext(ctx, "CREATE TEMP TABLE "+engine.Quote(info.Table)+" ("+strings.Join(defs, ", ")+")"); err != nil {
			return nil, err
		}
		rn.sources[name] = info
		plan = append(plan, PlanStep{Stage: StageStage, Template: "stage_table.sql", SQL: "-- " + name + " (" + pr.via + ")\n" + engine.MustRender("stage_table", map[string]any{"Columns": mapped, "Scan": pr.from, "BucketEmail": bucketCol, "Compression": rawCodec(cfg), "Source": name, "RunID": "<run_id>"})})
	}
	if len(diags) > 0 {
		return plan, diags
	}
	if len(cfg.ExportOrder) == 0 {
		return plan, nil
	}
	rn.stageName = StageEnrich
	if err := rn.enrich(ctx, c); err != nil {
		var d config.Diagnostic
		if strings.Contains(err.Error(), "targeting.companies") {
			d = cfg.Diag(cfg.Pos("targeting", "companies"), "targeting.companies does not work over the company columns (%s): %v",
				strings.Join(CompanyColumns, ", "), unwrapAll(err))
		} else {
			d = cfg.Diag(cfg.Pos("sources"), "enrich: %v", err)
		}
		return plan, config.Diagnostics{d}
	}
	rn.stageName = StageSuppress
	if err := rn.suppress(ctx, c); err != nil {
		return plan, err
	}
	schema, err := prospectsSchema(ctx, c)
	if err != nil {
		return plan, err
	}
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
		return plan, diags
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
		return plan, diags
	}
	rn.stageName = StageExport
	for _, name := range cfg.ExportOrder {
		ex := cfg.Exports[name]
		plan = append(plan, exportBucketPlan(name, ex), PlanStep{Stage: StageExport, Template: "export_copy.sql", SQL: "-- " + name + "\n" +
			engine.MustRender("export_copy", map[string]any{"Columns": ExportColumns(ex), "PartitionBy": ex.PartitionBy})})
	}
	return plan, nil
}

// sourceProbe is what validation learns of one source before it maps it:
// its columns and how the stage would scan it, or the problem found.
type sourceProbe struct {
	cols []string
	from string
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
