package flow

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// exportMetadata is what an export says about itself: the run, campaign,
// recipient, purpose and LIA (campaignMetadata), and the description of
// its columns and partitioning (DescribeExport, under
// connectors.MetadataExportDoc). The sink's manifest gets all of it;
// the Parquet files get it as key-value metadata (parquetKV).
func (rn *run) exportMetadata(ctx context.Context, c *sqlConn, se *stagedExport) (map[string]string, connectors.ExportDoc, error) {
	camp := rn.Config.Campaigns[se.ex.Campaign]
	meta := campaignMetadata(camp, map[string]string{
		"run_id": rn.id, "pipeline": rn.Config.Name, "export": se.name, "campaign": se.ex.Campaign,
		"recipient": camp.Recipient, "purpose": camp.Purpose, "lawful_basis": camp.LawfulBasis,
		"columns": strings.Join(config.ExportColumns(se.ex), ","), "created_at": rn.started.Format(time.RFC3339),
	})
	doc, err := DescribeExport(ctx, c, rn.Config, se.ex)
	if err != nil {
		return nil, doc, err
	}
	enc, err := doc.Encode()
	if err != nil {
		return nil, doc, fmt.Errorf("export %q: describe: %w", se.name, err)
	}
	meta[connectors.MetadataExportDoc] = enc
	return meta, doc, nil
}

// KVPrefix prefixes every key of the key-value metadata an export's
// Parquet files carry.
const KVPrefix = "pipeline."

// parquetKV is an export's metadata as the Parquet files' key-value
// metadata: each manifest entry as pipeline.<key>, the column
// descriptions as pipeline.columns (JSON, as in the manifest) and one
// line per column as pipeline.column.<name>, the partitioning as
// pipeline.partitioning (JSON).
func parquetKV(meta map[string]string, doc connectors.ExportDoc) (map[string]string, error) {
	kv := map[string]string{}
	for k, v := range meta {
		if k != connectors.MetadataExportDoc {
			kv[KVPrefix+k] = v
		}
	}
	cols, err := json.Marshal(doc.Columns)
	if err != nil {
		return nil, err
	}
	kv[KVPrefix+"columns"] = string(cols)
	for _, c := range doc.Columns {
		kv[KVPrefix+"column."+c.Name] = fmt.Sprintf("%s [%s, %s; %s]", c.Description, c.Type, c.Category, c.Source)
	}
	if doc.Partitioning != nil {
		b, err := json.Marshal(doc.Partitioning)
		if err != nil {
			return nil, err
		}
		kv[KVPrefix+"partitioning"] = string(b)
	}
	return kv, nil
}

// copyKV adds an export's key-value metadata to export_copy.sql's data
// (engine.KV: its keys and placeholders) and params (the values, bound).
func copyKV(meta map[string]string, doc connectors.ExportDoc, data map[string]any, p params) error {
	kv, err := parquetKV(meta, doc)
	if err != nil {
		return err
	}
	pairs, kp, err := engine.KVPairs(kv, "kv_")
	if err != nil {
		return err
	}
	data["KV"] = pairs
	maps.Copy(p, kp)
	return nil
}
