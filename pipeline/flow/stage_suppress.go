package flow

import (
	"context"
	"fmt"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/warehouse"
)

// suppressStage screens prospects into deliverable against the
// suppression store, as the lists synced earlier in the run left it.
type suppressStage struct{}

func (suppressStage) Name() string { return StageSuppress }

func (suppressStage) Run(ctx context.Context, env *stageEnv) error {
	return env.rn.suppress(ctx, env.c)
}

// Rerun syncs the lists' files as they are now, then screens.
func (suppressStage) Rerun(ctx context.Context, env *stageEnv) error {
	if err := env.rn.syncLists(ctx, env.c); err != nil {
		return err
	}
	return env.rn.suppress(ctx, env.c)
}

func (suppressStage) RerunsBefore() bool { return false }

// AfterCommit removes the files of the deliverable this run replaced (a
// full run's sources stage has removed them already; `run --select
// suppress` has no sources stage).
func (suppressStage) AfterCommit(ctx context.Context, env *stageEnv) error {
	if err := warehouse.CleanRaw(ctx, env.c, env.rn.Config.Warehouse); err != nil {
		return fmt.Errorf("remove earlier deliverable files: %w", err)
	}
	return nil
}

// Plan screens the empty prospects table.
func (suppressStage) Plan(ctx context.Context, env *stageEnv) (config.Diagnostics, error) {
	return nil, env.rn.suppress(ctx, env.c)
}
