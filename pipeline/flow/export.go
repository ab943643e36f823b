package flow

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

type stagedExport struct {
	name    string
	ex      *config.Export
	sink    connectors.Sink
	close   func() error
	staging string // native writes
	stream  string // streaming writes: the SELECT to stream after commit
	rows    int64
	t0      time.Time
	meta    map[string]string // the manifest's metadata (exportMetadata)
}

func place(opts map[string]any) string {
	for _, k := range []string{"dir", "table", "path"} {
		if s := stringOption(opts, k); s != "" {
			return s
		}
	}
	return ""
}

// export stages every export inside the run's transaction: DuckDB writes
// the files into each sink's staging folder and the lineage is read back
// from them. Nothing is visible until swapExports, after COMMIT.
func (rn *run) export(ctx context.Context, c *sqlConn) error {
	if err := rn.loadConsent(ctx, c); err != nil {
		return err
	}
	for _, name := range rn.Config.ExportOrder {
		ex := rn.Config.Exports[name]
		camp := rn.Config.Campaigns[ex.Campaign]
		t0 := time.Now()
		sink, closeFn, err := rn.Connectors.Sink(ctx, ex.Sink.Connector)
		if err != nil {
			return fmt.Errorf("export %q: connector %q: %w", name, ex.Sink.Connector, err)
		}
		se := &stagedExport{name: name, ex: ex, sink: sink, close: closeFn, t0: t0}
		rn.staged = append(rn.staged, se)
		if err := sink.Validate(ctx, ex.Sink.Options); err != nil {
			return fmt.Errorf("export %q (connector %s): %w", name, ex.Sink.Connector, err)
		}
		cols := config.ExportColumns(ex)
		data := map[string]any{"Columns": cols, "PartitionBy": ex.PartitionBy, "KeepPartition": ex.KeepPartitionColumns}
		meta, doc, err := rn.exportMetadata(ctx, c, se)
		if err != nil {
			return err
		}
		se.meta = meta
		desc, err := sink.Describe(ctx)
		if err != nil {
			return fmt.Errorf("export %q (connector %s): %w", name, ex.Sink.Connector, err)
		}
		nw, native := sink.(connectors.NativeWriter)
		if !native || !desc.Has(connectors.CapNativeWrite) {
			// a streaming sink (a database): lineage now, rows after COMMIT
			if err := rn.exec(ctx, c, "export_lineage_stream", data, params{
				"run_id": rn.id, "export": name, "campaign": ex.Campaign, "recipient": camp.Recipient,
				"dir": place(ex.Sink.Options), "now": rn.started,
			}); err != nil {
				return fmt.Errorf("export %q: lineage: %w", name, err)
			}
			if se.stream, err = renderExportSelect(data); err != nil {
				return err
			}
			if se.rows, err = count(ctx, c, engine.SQL("lineage_count_export"), rn.id, name); err != nil {
				return err
			}
			continue
		}
		if err := rn.stageNative(ctx, c, se, nw, data, meta, doc); err != nil {
			return err
		}
	}
	return nil
}

// swapExports hands each staged export to its sink, which swaps it into
// place atomically and returns the verified file list.
func (rn *run) swapExports(ctx context.Context, c *sqlConn) error {
	var errs []error
	for _, se := range rn.staged {
		camp := rn.Config.Campaigns[se.ex.Campaign]
		var records connectors.RecordReader
		if se.stream != "" {
			rr, err := queryArrow(ctx, c, se.stream, params{"campaign": se.ex.Campaign}.Args()...)
			if err != nil {
				errs = append(errs, fmt.Errorf("export %q: %w", se.name, err))
				continue
			}
			records = rr
		}
		res, err := se.sink.Write(ctx, connectors.WriteRequest{
			Export: se.name, RunID: rn.id, Options: se.ex.Sink.Options, PartitionBy: se.ex.PartitionBy,
			StagedDir: se.staging, Records: records,
			Metadata: se.meta,
		})
		if records != nil {
			records.Close()
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("export %q (connector %s): %w", se.name, se.ex.Sink.Connector, err))
			continue
		}
		se.staging = "" // adopted
		if res.Rows != se.rows {
			errs = append(errs, fmt.Errorf("export %q: sink reports %d rows, lineage has %d", se.name, res.Rows, se.rows))
		}
		er := ExportResult{Export: se.name, Campaign: se.ex.Campaign, Recipient: camp.Recipient, Location: res.Location, Rows: res.Rows}
		for _, f := range res.Files {
			er.Files = append(er.Files, f.Path)
		}
		rn.report.Exports = append(rn.report.Exports, er)
		rn.report.add(StageRow{Stage: StageExport, Step: se.name, RowsIn: se.rows, RowsOut: res.Rows, Exported: res.Rows, Duration: time.Since(se.t0)})
		rn.Log.Info().Str("export", se.name).Str("recipient", camp.Recipient).Int64("rows", res.Rows).Int("files", len(res.Files)).Msg("export written")
	}
	rn.closeSinks()
	return errors.Join(errs...)
}

// abortExports throws away staged exports after a failed run.
func (rn *run) abortExports(ctx context.Context) {
	for _, se := range rn.staged {
		if se.staging == "" {
			continue
		}
		if ab, ok := se.sink.(connectors.Aborter); ok {
			if err := ab.Abort(ctx, se.name, rn.id, se.ex.Sink.Options); err != nil {
				rn.Log.Warn().Err(err).Str("export", se.name).Msg("could not remove staged export")
			}
		}
	}
	rn.closeSinks()
}

func (rn *run) closeSinks() {
	for _, se := range rn.staged {
		if se.close != nil {
			_ = se.close()
			se.close = nil
		}
	}
}

// renderExportSelect is an export's SELECT alone (sql/export_select.sql).
func renderExportSelect(data map[string]any) (string, error) {
	s, err := engine.Render("export_select", data)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSpace(engine.Statements(s)[0]), ";"), nil
}

// stageNative has DuckDB write export se into the staging folder its sink
// (nw) hands out, split by subject bucket when the export is larger than
// its rows_per_file, and records its lineage from the files written.
func (rn *run) stageNative(ctx context.Context, c *sqlConn, se *stagedExport, nw connectors.NativeWriter, data map[string]any, meta map[string]string, doc connectors.ExportDoc) error {
	name, ex := se.name, se.ex
	camp := rn.Config.Campaigns[ex.Campaign]
	staging, err := nw.StagingDir(ctx, name, rn.id, ex.Sink.Options)
	if err != nil {
		return fmt.Errorf("export %q: %w", name, err)
	}
	se.staging = staging
	if err := rn.journalStaging(name, staging); err != nil {
		return fmt.Errorf("export %q: run journal: %w", name, err)
	}
	digits, err := bucketDigits(ctx, c, ex)
	if err != nil {
		return fmt.Errorf("export %q: %w", name, err)
	}
	target, p := staging, params{"campaign": ex.Campaign, "path": staging}
	if digits > 0 {
		data["Bucketed"], p["digits"] = true, digits
	} else if len(ex.PartitionBy) == 0 {
		p["path"] = filepath.Join(staging, "part-0.parquet")
	}
	if err := copyKV(meta, doc, data, p); err != nil {
		return fmt.Errorf("export %q: %w", name, err)
	}
	if err := rn.exec(ctx, c, "export_copy", data, p); err != nil {
		return fmt.Errorf("export %q: %w", name, err)
	}
	if digits > 0 {
		if err := nameBuckets(target); err != nil {
			return fmt.Errorf("export %q: %w", name, err)
		}
	}
	if err := rn.shardParts(target); err != nil {
		return fmt.Errorf("export %q: %w", name, err)
	}
	if err := rn.exec(ctx, c, "export_lineage", nil, params{
		"run_id": rn.id, "export": name, "campaign": ex.Campaign, "recipient": camp.Recipient,
		"dir": place(ex.Sink.Options), "glob": filepath.Join(staging, "**", "*.parquet"),
		"prefix_len": len(staging) + 1, "now": rn.started,
	}); err != nil {
		return fmt.Errorf("export %q: lineage: %w", name, err)
	}
	if se.rows, err = count(ctx, c, engine.SQL("lineage_count_export"), rn.id, name); err != nil {
		return err
	}
	rn.progress("export %s: %d rows staged", name, se.rows)
	return nil
}
