// Package flow is one run of the pipeline: its stages, stage → enrich →
// suppress → classify → export (the list in stages.go), run on one
// DuckDB connection by an executor (executor.go) that owns the run's
// transactions, so that a failed or interrupted run leaves the warehouse
// and the exports exactly as they were.
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

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/shard"
	"github.com/example/pipeline/pipeline/warehouse"
)

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
	// Select reruns one step over the warehouse's current state (export,
	// classify, suppress; see rerunList); CheckSelect refuses others.
	Select string
	// Shard, when set, makes this run one shard of a sharded run: only
	// its companies and people are staged, exports are its part files
	// (pipeline/shard, flow/shard.go).
	Shard *shard.Spec
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
	id        string
	started   time.Time
	db        *engine.DB
	report    *Report
	staged    []*stagedExport
	sources   map[string]*sourceInfo
	stageName string // the stage running, for the logs
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
	// expired: the subjects past retention, by people source (seen.go)
	expired map[string][]string
	// seenDir: the folder of subject_seen's files this run wrote (seen.go)
	seenDir string
	// keyedDirs: the folders of prospects' and deliverable's files this
	// run wrote (storeKeyed)
	keyedDirs []string
	watch     *watch      // progress reporting (watch.go)
	shard     *shard.Spec // Options.Shard (shard.go)
}

// Run runs the pipeline once and returns its report (also when it fails).
func (r *Runner) Run(ctx context.Context, opts Options) (_ *Report, retErr error) {
	cfg := r.Config
	if err := checkOptions(opts); err != nil {
		return nil, err
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
	rn := r.newRun(ctx, conns, db, started, opts)
	log := rn.Log
	defer rn.anchorAudit(ctx, &rejected) // after the background work has stopped (deferred later)

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
	// stopped by its configuration check lets them finish rather than
	// interrupt them mid-query, which can leave DuckDB's database instance
	// unreleased (TestValidationAlongside). Ctrl-C still interrupts them.
	rn.lists = rn.startListPrep(ctx)
	defer rn.lists.wait()
	// (recorded on the caller's context: a failing check must not
	// interrupt the insert after it committed, leaving a row behind)
	if _, err := db.ExecContext(ctx, engine.SQL("runs_start"),
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
	log.Info().Str("pipeline", cfg.Name).Bool("dry_run", opts.DryRun).Str("only", opts.Only).Str("select", opts.Select).Msg("run started")

	runErr := rn.execute(ctx, opts)
	if verr := check.wait(); verr != nil {
		// execute committed nothing (it waits for validation first) and
		// removed its raw files: the run row goes too
		fin, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(fin, engine.SQL("runs_forget"), rn.id); err != nil {
			return nil, errors.Join(verr, fmt.Errorf("remove run row: %w", err))
		}
		log.Info().Msg("run stopped: the configuration did not validate")
		rejected = true
		return nil, verr
	}
	return rn.conclude(ctx, runErr)
}

// anchorAudit moves the audit log's head anchor (the run appended to the
// log: list syncs, the purge; on success or not) with the run's own
// handle, unless the configuration check rejected the run. Runner.Run
// calls it while the run still holds the warehouse lock: opening the
// warehouse again once the run has let it go could wait for ever, as an
// interrupted statement can keep DuckDB's instance of the file from being
// released. A failure is the report's AnchorErr.
func (rn *run) anchorAudit(ctx context.Context, rejected *bool) {
	if !*rejected {
		rn.report.AnchorErr = audit.Anchor(context.WithoutCancel(ctx), rn.db, rn.Config.Warehouse)
	}
}

// newRun is the run's state over db, its connectors from conns; unless
// the run exports nothing, the export sinks' plugins start now, in the
// background: their start-up overlaps the stages instead of holding up
// the export (a failure surfaces there).
func (r *Runner) newRun(ctx context.Context, conns *Pool, db *engine.DB, started time.Time, opts Options) *run {
	cfg := r.Config
	if !opts.DryRun && (opts.Only == "" || opts.Only == StageExport) && (opts.Select == "" || opts.Select == StageExport) {
		var sinks []string
		for _, name := range cfg.ExportOrder {
			sinks = append(sinks, cfg.Exports[name].Sink.Connector)
		}
		conns.PrestartSinks(ctx, sinks...)
	}
	rr := *r
	rr.Connectors = conns
	rn := &run{Runner: &rr, id: NewRunID(started), started: started, db: db,
		report:  &Report{Pipeline: cfg.Name, Started: started, Status: "running", Select: opts.Select},
		sources: map[string]*sourceInfo{}}
	rn.report.RunID = rn.id
	rn.shard = opts.Shard
	rn.Log = r.Log.With().Str("run_id", rn.id).Logger()
	return rn
}

// conclude sets the report's status from execute's error (a dry run's
// stop is no error), records the run's row and logs the outcome. The row
// is written on a fresh context: an interrupted run is recorded as such.
func (rn *run) conclude(ctx context.Context, runErr error) (*Report, error) {
	dry := IsDryRun(runErr)
	if dry {
		runErr = nil
	}
	rn.report.Finished = rn.now()
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
	fin, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := rn.finish(fin); err != nil {
		runErr = errors.Join(runErr, fmt.Errorf("record run: %w", err))
	}
	ev := rn.Log.Info()
	if runErr != nil {
		ev = rn.Log.Error().Err(runErr)
	}
	ev.Str("status", rn.report.Status).Dur("duration_ms", rn.report.Finished.Sub(rn.started)).Msg("run finished")
	return rn.report, runErr
}

func (rn *run) finish(ctx context.Context) error {
	rep, _ := json.Marshal(rn.report)
	if _, err := rn.db.ExecContext(ctx, engine.SQL("runs_finish"),
		rn.report.Finished, rn.report.Status, nullIfEmpty(rn.report.Error), string(rep), rn.id); err != nil {
		return err
	}
	for _, s := range rn.report.Stages {
		if _, err := rn.db.ExecContext(ctx, engine.SQL("run_stages_add"),
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

// before marks the start of a stage (logs, the test hook).
func (rn *run) before(ctx context.Context, stage string) error {
	rn.Log.Debug().Str("stage", stage).Msg("stage started")
	rn.stageName = stage
	rn.watchStep(stage)
	if rn.BeforeStage != nil {
		return rn.BeforeStage(ctx, stage)
	}
	return nil
}

type sqlConn = sql.Conn

var errDryRun = errors.New("dry run: rolled back")

// IsDryRun reports whether err only says a dry run was rolled back.
func IsDryRun(err error) bool { return errors.Is(err, errDryRun) }

// checkOptions refuses an --only that is not a stage and a --select that
// cannot run alone (CheckSelect).
func checkOptions(opts Options) error {
	if opts.Only != "" && !validStage(opts.Only) {
		return fmt.Errorf("--only %q: not a stage (stages: %v)", opts.Only, Stages)
	}
	return CheckSelect(opts)
}
