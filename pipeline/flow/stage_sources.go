package flow

import (
	"context"
	"fmt"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// sourcesStage ("stage") reads every companies, people and reference
// source into this run's raw files, with their rejects, in a transaction
// of its own; in the run's transaction it syncs the suppression lists
// (hashed alongside since the run began) into the store, and points the
// raw views at this run's files just before the commit. After the commit
// the raw files of earlier runs go.
type sourcesStage struct{}

func (sourcesStage) Name() string { return StageStage }

// FirstTx stages the sources (stageSources).
func (sourcesStage) FirstTx(ctx context.Context, env *stageEnv) error {
	return env.rn.stageSources(ctx, env.c)
}

// Ahead: the staged raw tables and the rejects, classified while the run
// goes on (nothing in the run's transaction changes them before classify).
func (sourcesStage) Ahead(env *stageEnv) []Dataset { return env.rn.committedDatasets() }

// Run syncs the suppression lists into the store.
func (sourcesStage) Run(ctx context.Context, env *stageEnv) error {
	return env.rn.syncLists(ctx, env.c)
}

// BeforeCommit points each raw view at the files this run staged.
func (sourcesStage) BeforeCommit(ctx context.Context, env *stageEnv) error {
	return env.rn.promote(ctx, env.c)
}

// AfterCommit removes the raw files of earlier runs: nothing points at
// them now.
func (sourcesStage) AfterCommit(ctx context.Context, env *stageEnv) error {
	if err := warehouse.CleanRaw(ctx, env.c, env.rn.Config.Warehouse); err != nil {
		return fmt.Errorf("remove earlier raw files: %w", err)
	}
	return nil
}

// PlanRun records the statements that merge each suppression list into
// the store (validation hashes no list).
func (sourcesStage) PlanRun(ctx context.Context, env *stageEnv) error {
	for i, name := range env.rn.Config.SourceOrder {
		if env.rn.Config.Sources[name].Role != config.RoleSuppression {
			continue
		}
		in := engine.Table{Catalog: scratchDB, Name: fmt.Sprintf("supp_in_%d", i)}
		record(ctx, "suppress_merge", "-- "+name+"\n"+engine.MustRender("suppress_merge", map[string]any{"In": in}))
		record(ctx, "list_sync_record", engine.MustRender("list_sync_record", nil))
	}
	return nil
}

func (sourcesStage) NotRerunnable() string {
	return "stage reads the sources: rerunning it is a full run (pipeline run, or --until stage)"
}

// Plan probes every source, maps its columns and creates an empty
// stand-in for its raw table (validateSources).
func (sourcesStage) Plan(ctx context.Context, env *stageEnv) (config.Diagnostics, error) {
	return env.rn.validateSources(ctx, env.c)
}
