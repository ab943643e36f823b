package connectors

import (
	"encoding/json"
	"fmt"
	"maps"
)

// ColumnDoc describes one column of an export: what an analyst needs to
// read it without asking.
type ColumnDoc struct {
	Name        string `json:"name"`
	Type        string `json:"type"`         // the DuckDB type
	ParquetType string `json:"parquet_type"` // how DuckDB writes it to Parquet
	Description string `json:"description"`  // one line
	Category    string `json:"category"`     // the privacy category (classification taxonomy)
	Personal    bool   `json:"personal"`
	Source      string `json:"source"` // where it came from: source columns, or how it was derived
	// Partition says where a partition column's value is: "path" (a hive
	// folder name only) or "path_and_file" (also inside every file); ""
	// for other columns.
	Partition string `json:"partition,omitempty"`
}

// Partitioning says how an export's files are partitioned.
type Partitioning struct {
	Style   string   `json:"style"` // "hive": <column>=<value>/ folders
	Columns []string `json:"columns"`
	InFiles bool     `json:"in_files"` // the partition columns are inside the files too
	Note    string   `json:"note"`
}

// ExportDoc describes an export's columns and layout. The host passes it
// to a sink in WriteRequest.Metadata under MetadataExportDoc (JSON); a
// sink that writes a manifest lists it there (TakeExportDoc).
type ExportDoc struct {
	Columns      []ColumnDoc   `json:"columns"`
	Partitioning *Partitioning `json:"partitioning,omitempty"`
}

// MetadataExportDoc is the WriteRequest.Metadata key holding an ExportDoc.
const MetadataExportDoc = "export_doc"

// Encode is the doc as the JSON text MetadataExportDoc holds.
func (d ExportDoc) Encode() (string, error) {
	b, err := json.Marshal(d)
	return string(b), err
}

// TakeExportDoc splits a write's metadata into its ExportDoc (nil when the
// host sent none) and the rest (a copy without MetadataExportDoc).
func TakeExportDoc(md map[string]string) (*ExportDoc, map[string]string, error) {
	s, ok := md[MetadataExportDoc]
	if !ok {
		return nil, md, nil
	}
	rest := maps.Clone(md)
	delete(rest, MetadataExportDoc)
	var d ExportDoc
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return nil, nil, fmt.Errorf("metadata %s: %w", MetadataExportDoc, err)
	}
	return &d, rest, nil
}
