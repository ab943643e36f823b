// Package flow is one run of the pipeline: stage → enrich → classify →
// suppress → export, on one DuckDB connection inside one transaction, so
// a failed or interrupted run leaves the warehouse and the exports exactly
// as they were.
package flow

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// Stage names, in run order.
const (
	StageStage    = "stage"
	StageEnrich   = "enrich"
	StageClassify = "classify"
	StageSuppress = "suppress"
	StageExport   = "export"
)

// Stages lists the stages in run order.
var Stages = []string{StageStage, StageEnrich, StageClassify, StageSuppress, StageExport}

// Runner runs a pipeline. All fields but Clock are required.
type Runner struct {
	Config     *config.Config
	Connectors connect.Connectors
	Log        zerolog.Logger
	Clock      func() time.Time // default time.Now
	Progress   io.Writer        // optional: one line per step (terminals)
	// BeforeStage, when set, is called before each stage; an error stops
	// the run. Tests use it to interrupt a run at a known point.
	BeforeStage func(ctx context.Context, stage string) error
	// AfterCommit, when set, runs on the run's connection after the run
	// committed and its exports were swapped in, still under the run's
	// lock: the retention purge (rights.Purge). It returns rows deleted.
	AfterCommit func(ctx context.Context, c *sql.Conn, now time.Time) (int64, error)
	// Validate, when set, checks the configuration: a failure ends the run
	// with its error and leaves nothing behind, no run row either. It runs
	// alongside the run's first work, which commits nothing until it has
	// passed (see startValidation). A warehouse the run created is removed
	// when the check fails (its lock file stays: removing a lock file
	// another process may be waiting on would let two runs in at once).
	Validate func(ctx context.Context) error
}

// Options select what a run does.
type Options struct {
	Only   string // run the stages up to and including this one; exports are written only when it is "" or "export"
	DryRun bool   // do everything in a transaction that is rolled back; no export is written, the report counts each export's rows
}

// ErrRejectRate means a source had more malformed rows than allowed.
var ErrRejectRate = errors.New("flow: reject rate above limit")

func (r *Runner) now() time.Time {
	if r.Clock != nil {
		return r.Clock().UTC()
	}
	return time.Now().UTC()
}

// NewRunID returns a sortable, unique run id.
func NewRunID(t time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// run is the state of one run.
type run struct {
	*Runner
	id      string
	started time.Time
	db      *engine.DB
	report  *Report
	staged  []*stagedExport
	sources map[string]*sourceInfo
	// plan, when set, collects every SQL statement (pipeline validate)
	plan      *[]PlanStep
	stageName string
	// enrichWork's counts for the report's prospects row
	peopleIn   int64
	enrichTook time.Duration
	// bgClass classifies datasets in the background (see bgClassification)
	bgClass *bgClassification
	// lists hashes the suppression lists while the sources stage
	lists *listPrep
	// validated, when set, waits for the configuration check running
	// alongside the run (Runner.Validate) and returns its error
	validated func() error
	// journal makes the run one unit with its exports (journal.go)
	journal *warehouse.Journal
}

// Run runs the pipeline once and returns its report (also when it fails).
func (r *Runner) Run(ctx context.Context, opts Options) (_ *Report, retErr error) {
	cfg := r.Config
	if opts.Only != "" && !validStage(opts.Only) {
		return nil, fmt.Errorf("--only %q: not a stage (stages: %v)", opts.Only, Stages)
	}
	w, err := warehouse.Open(ctx, cfg, warehouse.Run, "pipeline run "+cfg.Name, nil)
	if err != nil {
		return nil, err
	}
	var rejected bool // the configuration check failed
	defer func() {    // after the background work has stopped (deferred later)
		if rejected {
			w.DiscardNew()
		}
		if err := w.Close(); err != nil {
			retErr = errors.Join(retErr, err)
		}
	}()
	db := w.DB

	started := r.now()
	conns := NewPool(r.Connectors)
	defer conns.Close()
	if !opts.DryRun && (opts.Only == "" || opts.Only == StageExport) {
		// start the export sinks' plugins now: their start-up overlaps the
		// stages instead of holding up the export (a failure surfaces there)
		var sinks []string
		for _, name := range cfg.ExportOrder {
			sinks = append(sinks, cfg.Exports[name].Sink.Connector)
		}
		conns.PrestartSinks(ctx, sinks...)
	}
	rr := *r
	rr.Connectors = conns
	rn := &run{Runner: &rr, id: NewRunID(started), started: started, db: db,
		report:  &Report{Pipeline: cfg.Name, Started: started, Status: "running"},
		sources: map[string]*sourceInfo{}}
	rn.report.RunID = rn.id
	log := r.Log.With().Str("run_id", rn.id).Logger()
	rn.Log = log

	// The suppression lists are hashed into the scratch database from now
	// on (see startListPrep), while validation runs.
	if _, err := db.ExecContext(ctx, attachScratchSQL); err != nil {
		return nil, fmt.Errorf("scratch database: %w", err)
	}
	defer func() { // after the background work has stopped (deferred later)
		if _, err := db.ExecContext(context.WithoutCancel(ctx), detachScratchSQL); err != nil {
			log.Warn().Err(err).Msg("could not detach the scratch database")
		}
	}()
	// The lists are hashed on the caller's context, not the run's: a run
	// stopped by its configuration check lets them finish (seconds at
	// most) rather than interrupt them. Interrupted mid-query, that work
	// left DuckDB's database instance unreleased in about one run in ten,
	// and reopening the warehouse in the same process then hung
	// (TestValidationAlongside, in a loop). Ctrl-C still interrupts it;
	// the process ends then.
	rn.lists = rn.startListPrep(ctx)
	defer rn.lists.wait()
	// (recorded on the caller's context: a failing check must not
	// interrupt the insert after it committed, leaving a row behind)
	if _, err := db.ExecContext(ctx, "INSERT INTO runs (run_id, pipeline, started_at, status) VALUES ($1, $2, $3, 'running')",
		rn.id, cfg.Name, started); err != nil {
		return nil, fmt.Errorf("record run: %w", err)
	}
	if err := recordAuditHead(ctx, db, rn.id); err != nil {
		return nil, err
	}
	if err := rn.openJournal(ctx); err != nil {
		return nil, err
	}
	defer rn.closeJournal()
	var check *validation
	if r.Validate != nil {
		check, ctx = startValidation(ctx, r.Validate)
		defer check.stop()
		rn.validated = check.wait
	}
	log.Info().Str("pipeline", cfg.Name).Bool("dry_run", opts.DryRun).Str("only", opts.Only).Msg("run started")

	runErr := rn.execute(ctx, opts)
	if verr := check.wait(); verr != nil {
		// execute committed nothing (it waits for validation first) and
		// removed its raw files: the run row goes too
		fin, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(fin, "DELETE FROM runs WHERE run_id = $1", rn.id); err != nil {
			return nil, errors.Join(verr, fmt.Errorf("remove run row: %w", err))
		}
		log.Info().Msg("run stopped: the configuration did not validate")
		rejected = true
		return nil, verr
	}
	dry := IsDryRun(runErr)
	if dry {
		runErr = nil
	}

	rn.report.Finished = r.now()
	switch {
	case dry:
		rn.report.Status = "dry_run"
	case runErr == nil:
		rn.report.Status = "succeeded"
	case errors.Is(runErr, context.Canceled):
		rn.report.Status = "interrupted"
	default:
		rn.report.Status = "failed"
	}
	if runErr != nil {
		rn.report.Error = runErr.Error()
	}
	// The run row is written on a fresh context: an interrupted run is
	// recorded as such.
	fin, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := rn.finish(fin); err != nil {
		runErr = errors.Join(runErr, fmt.Errorf("record run: %w", err))
	}
	ev := log.Info()
	if runErr != nil {
		ev = log.Error().Err(runErr)
	}
	ev.Str("status", rn.report.Status).Dur("duration_ms", rn.report.Finished.Sub(started)).Msg("run finished")
	return rn.report, runErr
}

func validStage(s string) bool {
	for _, x := range Stages {
		if x == s {
			return true
		}
	}
	return false
}

func (rn *run) finish(ctx context.Context) error {
	rep, _ := json.Marshal(rn.report)
	if _, err := rn.db.ExecContext(ctx, "UPDATE runs SET finished_at = $1, status = $2, error = $3, report = $4 WHERE run_id = $5",
		rn.report.Finished, rn.report.Status, nullIfEmpty(rn.report.Error), string(rep), rn.id); err != nil {
		return err
	}
	for _, s := range rn.report.Stages {
		if _, err := rn.db.ExecContext(ctx, "INSERT INTO run_stages VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			rn.id, s.Stage, s.Step, s.RowsIn, s.RowsOut, s.Rejected, s.Suppressed, s.Exported, s.Duration.Milliseconds()); err != nil {
			return err
		}
	}
	return nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// execute runs a run on one connection in two transactions. The first
// stages the sources into raw_<source>__next tables (and their rejects)
// and commits; enrichment's TEMP working tables are built next, outside
// any transaction; the second does everything else — list sync, the
// prospects table, suppress, classify, export staging — and swaps the
// __next tables into place. Exports are swapped in only after the second
// COMMIT. A failed, interrupted or dry run drops the __next tables and
// leaves the warehouse and the exports as they were (rejects of a failed
// run are kept).
func (rn *run) execute(ctx context.Context, opts Options) (err error) {
	c, err := rn.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	bg := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	}
	committed := false
	defer func() {
		cctx, cancel := bg()
		defer cancel()
		if committed {
			err = errors.Join(err, rn.rollbackUnswapped(cctx, c))
			return
		}
		// A statement interrupted by a cancelled context may have taken
		// effect (a BEGIN): never leave a transaction open on a
		// connection that goes back to the pool (a later statement would
		// run, and be lost, inside it). No transaction: an error, ignored.
		_, _ = c.ExecContext(cctx, "ROLLBACK")
		if derr := rn.dropNext(cctx, c, opts.DryRun); derr != nil {
			rn.Log.Warn().Err(derr).Msg("could not drop this run's staged tables; the next run drops them")
		}
		rn.abortExports(cctx)
	}()
	if err := rn.loadReference(ctx, c); err != nil {
		return fmt.Errorf("reference tables: %w", err)
	}

	// Transaction 1: the sources.
	if err := rn.before(ctx, StageStage); err != nil {
		return err
	}
	if _, err := c.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	if err := rn.stageSources(ctx, c); err != nil {
		// keep the rejects that explain the failure (unless the
		// configuration did not validate: then nothing stays); the staged
		// tables committed with them are dropped by the deferred cleanup
		cctx, cancel := bg()
		defer cancel()
		if verr := rn.validation(); verr != nil {
			return verr // the deferred cleanup rolls back
		}
		if _, cerr := c.ExecContext(cctx, "COMMIT"); cerr != nil {
			_, _ = c.ExecContext(cctx, "ROLLBACK")
		}
		return fmt.Errorf("stage %s: %w", StageStage, err)
	}
	if verr := rn.validation(); verr != nil {
		return verr // the deferred cleanup rolls back
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit staging: %w", err)
	}
	if opts.Only != StageStage && opts.Only != StageEnrich {
		rn.bgClass = rn.startClassification(ctx)
		defer rn.bgClass.stop()
		rn.bgClass.add(rn.committedDatasets()...)
	}

	// Between the transactions: enrichment's working tables (TEMP, and
	// prospects_work in the scratch database), autocommitted; see
	// enrichWork. Prospects are classified in the background meanwhile.
	if opts.Only != StageStage {
		if err := rn.before(ctx, StageEnrich); err != nil {
			return err
		}
		if err := rn.enrichWork(ctx, c); err != nil {
			return fmt.Errorf("stage %s: %w", StageEnrich, err)
		}
		if rn.bgClass != nil {
			rn.bgClass.add(Dataset{Name: "prospects", Table: "prospects", Read: "prospects_work", Catalog: scratchDB})
		}
	}

	// Transaction 2: everything else.
	if _, err := c.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	open := true
	defer func() {
		if open {
			cctx, cancel := bg()
			defer cancel()
			if _, rerr := c.ExecContext(cctx, "ROLLBACK"); rerr != nil {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rerr))
			}
		}
	}()
	// The stages up to and including opts.Only, but suppress runs before
	// classify when a run goes on to both: it does not need the catalog,
	// and it then overlaps the prospects' background classification,
	// which classify waits for (it was ~0.07 s of a 1M-people run's
	// single-threaded end). The export gate still follows classify.
	steps := []struct {
		name string
		fn   func(context.Context, *sqlConn) error
	}{
		{StageStage, rn.syncLists},
		{StageEnrich, rn.publishProspects},
		{StageSuppress, rn.suppress},
		{StageClassify, rn.classify},
		{StageExport, rn.export},
	}
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if opts.Only != "" && stageRank(st.name) > stageRank(opts.Only) {
			continue
		}
		if st.name == StageExport && opts.DryRun {
			st.fn = rn.exportCounts // counts, writes nothing
		}
		if st.name != StageStage && st.name != StageEnrich { // enrich's hook ran before enrichWork
			if err := rn.before(ctx, st.name); err != nil {
				return err
			}
		}
		if err := st.fn(ctx, c); err != nil {
			return fmt.Errorf("stage %s: %w", st.name, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if opts.DryRun {
		return errDryRun
	}
	t0 := time.Now()
	if err := rn.promote(ctx, c); err != nil {
		return err
	}
	t1 := time.Now()
	ckErr, err := engine.CommitWithoutFSST(ctx, c)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	open, committed = false, true
	if ckErr != nil {
		rn.Log.Warn().Err(ckErr).Msg("checkpoint after the commit failed; the run is committed and the next checkpoint writes it")
	}
	rn.Log.Debug().Dur("promote_ms", t1.Sub(t0)).Dur("took_ms", time.Since(t1)).Msg("committed")
	// the raw files of earlier runs go now that nothing points at them
	if err := warehouse.CleanRaw(ctx, c, rn.Config.Warehouse); err != nil {
		return fmt.Errorf("remove earlier raw files: %w", err)
	}
	if err := rn.swapExports(ctx, c); err != nil {
		return err
	}
	if rn.AfterCommit != nil {
		t0 := time.Now()
		n, err := rn.AfterCommit(ctx, c, rn.started)
		if err != nil {
			return fmt.Errorf("retention purge: %w", err)
		}
		rn.report.add(StageRow{Stage: "purge", Step: "retention", RowsIn: n, RowsOut: 0, Duration: time.Since(t0),
			Note: fmt.Sprintf("%d rows older than their source's retention deleted", n)})
	}
	return nil
}

// before marks the start of a stage (logs, the test hook).
func (rn *run) before(ctx context.Context, stage string) error {
	rn.Log.Debug().Str("stage", stage).Msg("stage started")
	rn.stageName = stage
	if rn.BeforeStage != nil {
		return rn.BeforeStage(ctx, stage)
	}
	return nil
}

type sqlConn = sql.Conn

var errDryRun = errors.New("dry run: rolled back")

// IsDryRun reports whether err only says a dry run was rolled back.
func IsDryRun(err error) bool { return errors.Is(err, errDryRun) }
