package flow

import (
	"context"
	"slices"

	"github.com/example/pipeline/pipeline/config"
)

// Stage names: each is its stage's Name().
const (
	StageStage    = "stage"
	StageEnrich   = "enrich"
	StageSuppress = "suppress"
	StageClassify = "classify"
	StageExport   = "export"
)

// stages is the run: its stages in the order they run. --only, --select,
// the run report's order, progress and `pipeline validate` all follow it.
// Adding a stage is a file with its type (stage_<name>.go) and one line
// here.
var stages = []Stage{
	sourcesStage{},  // stage: read the sources into raw tables, sync the suppression lists
	enrichStage{},   // enrich: build prospects from the staged companies and people
	suppressStage{}, // suppress: screen prospects into deliverable
	classifyStage{}, // classify: catalog every dataset, apply the export gate
	exportStage{},   // export: write every export, swapped in after the commit
}

// Stages lists the stages' names in run order.
var Stages = stageNames(stages)

// Stage is one stage of the run. The executor (executor.go) calls Run
// inside the run's transaction, after every stage before it in the list
// has run and before any after it; a Run error ends the run, which then
// commits nothing. A stage may have more parts, each an optional
// interface below: the executor owns when each part runs, in which
// transaction, and what runs alongside it.
type Stage interface {
	Name() string
	Run(ctx context.Context, env *stageEnv) error
}

// firstTx is a stage with work in a transaction of its own before any
// other stage runs (staging the sources). The executor commits it once
// the configuration check running alongside has passed. When FirstTx
// fails, what it wrote (the rejects that explain the failure) is
// committed unless the configuration did not validate, and the run ends.
type firstTx interface {
	FirstTx(ctx context.Context, env *stageEnv) error
}

// betweenTx is a stage with work autocommitted between the run's two
// transactions, after every firstTx committed (enrichment's working
// tables: DuckDB reads a transaction's own large writes more slowly than
// committed ones). Its writes must be TEMP or in the scratch database.
type betweenTx interface {
	BetweenTx(ctx context.Context, env *stageEnv) error
}

// classifiesAhead is a stage whose firstTx or betweenTx work leaves
// datasets that the executor hands, once committed, to the background
// classification when the classify stage is going to run.
type classifiesAhead interface {
	Ahead(env *stageEnv) []Dataset
}

// beforeCommit is a stage with work at the end of the run's transaction,
// after every stage's Run (pointing the raw views at this run's files).
type beforeCommit interface {
	BeforeCommit(ctx context.Context, env *stageEnv) error
}

// afterCommit is a stage with work after the run committed, in list
// order (removing superseded raw files, swapping the exports in). An
// error fails the run, which stays committed.
type afterCommit interface {
	AfterCommit(ctx context.Context, env *stageEnv) error
}

// rerunnable is a stage `run --select` reruns over the warehouse's
// current state, in one transaction, with Rerun instead of Run. When
// RerunsBefore is true, the rerunnable stages before it in the list rerun
// first, so the result is what a full run would give over the same
// tables.
type rerunnable interface {
	Rerun(ctx context.Context, env *stageEnv) error
	RerunsBefore() bool
}

// notRerunnable says why `run --select` cannot rerun a stage, and what to
// run instead.
type notRerunnable interface {
	NotRerunnable() string
}

// planner is a stage's part in `pipeline validate` (Validate), run by the
// recording executor in place of the stage's first part: it checks what
// it can of the configuration over empty stand-ins of the tables, through
// the statements a run executes (recorded), and returns what it found
// wrong as diagnostics positioned in pipeline.yaml. The stage's later
// parts then run as in a run, over the stand-ins, but a runPlanner's
// PlanRun stands in for its Run. A stage that is no planner runs as in a
// run.
type planner interface {
	Plan(ctx context.Context, env *stageEnv) (config.Diagnostics, error)
}

// runPlanner is a stage whose Run cannot run in validation (it needs
// what only a run prepares): PlanRun records its statements instead.
type runPlanner interface {
	PlanRun(ctx context.Context, env *stageEnv) error
}

// stageEnv is what a stage works with: the run, its connection and the
// run's options.
type stageEnv struct {
	rn   *run
	c    *sqlConn
	opts Options
}

func stageNames(list []Stage) []string {
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.Name()
	}
	return names
}

// stageRank is a stage's place in stages; others (purge) come last.
func stageRank(stage string) int {
	if i := slices.Index(Stages, stage); i >= 0 {
		return i
	}
	return len(Stages)
}

// stagesUpTo are the stages a run with --only runs: all of them up to
// and including only ("" for all).
func stagesUpTo(only string) []Stage {
	if only == "" {
		return stages
	}
	return stages[:stageRank(only)+1]
}

func validStage(s string) bool { return slices.Contains(Stages, s) }
