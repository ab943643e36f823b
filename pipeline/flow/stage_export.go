package flow

import (
	"context"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// exportStage stages every export inside the run's transaction (a dry
// run only counts their rows); the sinks swap them into place after the
// commit.
type exportStage struct{}

func (exportStage) Name() string { return StageExport }

func (exportStage) Run(ctx context.Context, env *stageEnv) error {
	if env.opts.DryRun {
		return env.rn.exportCounts(ctx, env.c) // counts, writes nothing
	}
	return env.rn.export(ctx, env.c)
}

// Rerun exports the current deliverable as Run does; suppress and
// classify rerun first (RerunsBefore), so a subject suppressed since is
// never exported and the gate reads the current catalog.
func (s exportStage) Rerun(ctx context.Context, env *stageEnv) error { return s.Run(ctx, env) }

func (exportStage) RerunsBefore() bool { return true }

// AfterCommit hands each staged export to its sink to swap into place.
func (exportStage) AfterCommit(ctx context.Context, env *stageEnv) error {
	return env.rn.swapExports(ctx, env.c)
}

// Plan records each export's statements (they write files, so they are
// rendered, not run).
func (exportStage) Plan(ctx context.Context, env *stageEnv) (config.Diagnostics, error) {
	cfg := env.rn.Config
	for _, name := range cfg.ExportOrder {
		ex := cfg.Exports[name]
		record(ctx, "export_bucket_digits", "-- "+name+"\n"+engine.MustRender("export_bucket_digits", bucketData(ex)))
		record(ctx, "export_copy", "-- "+name+"\n"+
			engine.MustRender("export_copy", map[string]any{"Columns": config.ExportColumns(ex), "PartitionBy": ex.PartitionBy}))
		record(ctx, "export_lineage", engine.MustRender("export_lineage", nil))
	}
	return nil, nil
}
