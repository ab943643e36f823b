package flow

import (
	"context"
	"strings"

	"github.com/example/pipeline/pipeline/config"
)

// enrichStage builds prospects from the staged companies and people:
// the working tables between the run's transactions (enrichWork), then,
// in the run's transaction, the warehouse's prospects table and the
// subjects' last-seen dates.
type enrichStage struct{}

func (enrichStage) Name() string { return StageEnrich }

// BetweenTx builds enrichment's working tables (TEMP, and prospects_work
// in the scratch database).
func (enrichStage) BetweenTx(ctx context.Context, env *stageEnv) error {
	return env.rn.enrichWork(ctx, env.c)
}

// Ahead: the prospects, classified while the run goes on (publishing
// copies them unchanged).
func (enrichStage) Ahead(*stageEnv) []Dataset {
	return []Dataset{{Name: "prospects", Table: "prospects", Read: "prospects_work", Catalog: scratchDB}}
}

// Run publishes prospects, drops the working tables and records when
// each subject was seen.
func (enrichStage) Run(ctx context.Context, env *stageEnv) error {
	if err := env.rn.publishProspects(ctx, env.c); err != nil {
		return err
	}
	if err := env.rn.exec(ctx, env.c, "enrich_drop_work", nil, nil); err != nil {
		return err
	}
	return env.rn.recordSeen(ctx, env.c)
}

func (enrichStage) NotRerunnable() string {
	return "enrich rebuilds prospects from the tables the same run staged: run pipeline run (or --until enrich)"
}

// Plan builds enrichment's working tables over the empty raw tables: a
// targeting predicate or a mapping that does not bind comes back as a
// diagnostic. (Run then publishes them, as in a run.)
func (enrichStage) Plan(ctx context.Context, env *stageEnv) (config.Diagnostics, error) {
	cfg := env.rn.Config
	err := env.rn.enrichWork(ctx, env.c)
	if err == nil {
		return nil, nil
	}
	var d config.Diagnostic
	if strings.Contains(err.Error(), "targeting.companies") {
		d = cfg.Diag(cfg.Pos("targeting", "companies"), "targeting.companies does not work over the company columns (%s): %v",
			strings.Join(CompanyColumns, ", "), unwrapAll(err))
	} else {
		d = cfg.Diag(cfg.Pos("sources"), "enrich: %v", err)
	}
	return config.Diagnostics{d}, nil
}
