package flow

import (
	"context"

	"github.com/example/pipeline/pipeline/config"
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

// Plan screens the empty prospects table.
func (suppressStage) Plan(ctx context.Context, env *stageEnv) (config.Diagnostics, error) {
	return nil, env.rn.suppress(ctx, env.c)
}
