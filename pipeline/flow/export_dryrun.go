package flow

import (
	"context"
	"fmt"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// exportCounts is a dry run's export step: for each export, the rows it
// would write (the same SELECT the export runs, counted), reported in the
// report's export section with DryRun set. No sink is started and
// nothing is written; the run's transaction is rolled back after it.
func (rn *run) exportCounts(ctx context.Context, c *sqlConn) error {
	if err := rn.loadConsent(ctx, c); err != nil {
		return err
	}
	for _, name := range rn.Config.ExportOrder {
		ex := rn.Config.Exports[name]
		camp := rn.Config.Campaigns[ex.Campaign]
		t0 := time.Now()
		q, err := engine.Render("export_count", map[string]any{"Columns": config.ExportColumns(ex), "PartitionBy": ex.PartitionBy})
		if err != nil {
			return err
		}
		n, err := count(ctx, c, q, params{"campaign": ex.Campaign}.Args()...)
		if err != nil {
			return fmt.Errorf("export %q: count: %w", name, err)
		}
		rn.report.Exports = append(rn.report.Exports, ExportResult{Export: name, Campaign: ex.Campaign,
			Recipient: camp.Recipient, Location: place(ex.Sink.Options), Rows: n, DryRun: true})
		rn.report.add(StageRow{Stage: StageExport, Step: name, RowsIn: n, RowsOut: n, Duration: time.Since(t0),
			Note: fmt.Sprintf("dry run: would write %d rows; nothing written", n)})
		rn.Log.Info().Str("export", name).Str("recipient", camp.Recipient).Int64("rows", n).Msg("export counted (dry run, nothing written)")
	}
	return nil
}
