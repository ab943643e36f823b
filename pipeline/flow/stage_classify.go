package flow

import (
	"context"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// classifyStage writes the catalog of every dataset (most of it
// classified in the background while the run went on) and applies the
// export gate to the prospects' categories.
type classifyStage struct{}

func (classifyStage) Name() string { return StageClassify }

func (classifyStage) Run(ctx context.Context, env *stageEnv) error {
	return env.rn.classify(ctx, env.c)
}

// Rerun classifies the current tables as Run does.
func (classifyStage) Rerun(ctx context.Context, env *stageEnv) error {
	return env.rn.classify(ctx, env.c)
}

func (classifyStage) RerunsBefore() bool { return false }

// Plan records the catalog's statements (one dataset's: a run executes
// them for each) and checks every export column: present in prospects,
// not special category, passing the export gate by name
// (validateExports).
func (classifyStage) Plan(ctx context.Context, env *stageEnv) (config.Diagnostics, error) {
	for _, name := range []string{"catalog_drop", "catalog_add"} {
		record(ctx, name, engine.SQL(name))
	}
	record(ctx, "catalog_deliverable", engine.MustRender("catalog_deliverable", nil))
	return env.rn.validateExports(ctx, env.c)
}
