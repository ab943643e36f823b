package flow

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// DescribeExport describes an export's columns as the warehouse holds
// them now: each column's DuckDB type (the deliverable table) and how
// DuckDB writes it to Parquet, its privacy category (the catalog), its
// meaning and where it came from (Dictionary, the sources' `map:`), and
// how the export is partitioned. It only reads: `pipeline catalog` calls
// it on a read-only warehouse, the run before it writes an export.
func DescribeExport(ctx context.Context, c *sql.Conn, cfg *config.Config, ex *config.Export) (connectors.ExportDoc, error) {
	type colInfo struct {
		typ, category string
		personal      bool
	}
	info := map[string]colInfo{}
	rows, err := c.QueryContext(ctx, engine.MustRender("export_columns", nil))
	if err != nil {
		return connectors.ExportDoc{}, fmt.Errorf("export %q: describe columns: %w", ex.Name, err)
	}
	for rows.Next() {
		var name string
		var ci colInfo
		if err := rows.Scan(&name, &ci.typ, &ci.category, &ci.personal); err != nil {
			rows.Close()
			return connectors.ExportDoc{}, err
		}
		info[name] = ci
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return connectors.ExportDoc{}, err
	}
	held, err := catalogColumns(ctx, c)
	if err != nil {
		return connectors.ExportDoc{}, fmt.Errorf("export %q: describe columns: %w", ex.Name, err)
	}
	doc := connectors.ExportDoc{}
	where := "path"
	if ex.KeepPartitionColumns {
		where = "path_and_file"
	}
	for _, col := range config.ExportColumns(ex) {
		ci, ok := info[col]
		if !ok {
			ci = colInfo{typ: "unknown", category: "unknown", personal: true}
		}
		cd := connectors.ColumnDoc{Name: col, Type: ci.typ, ParquetType: ParquetType(ci.typ), Category: ci.category, Personal: ci.personal}
		cd.Description, cd.Source = columnOrigin(cfg, held, col)
		if contains(ex.PartitionBy, col) {
			cd.Partition = where
		}
		doc.Columns = append(doc.Columns, cd)
	}
	if len(ex.PartitionBy) > 0 {
		doc.Partitioning = &connectors.Partitioning{Style: "hive", Columns: ex.PartitionBy, InFiles: ex.KeepPartitionColumns,
			Note: partitionNote(ex)}
	}
	return doc, nil
}

// partitionNote tells an analyst where a partitioned export's partition
// values are.
func partitionNote(ex *config.Export) string {
	cols := strings.Join(ex.PartitionBy, ", ")
	if ex.KeepPartitionColumns {
		return "files are in <column>=<value>/ folders (hive style) by " + cols + "; the values are also inside every file"
	}
	return "files are in <column>=<value>/ folders (hive style) by " + cols + "; the values are read from the path, not stored in the files: " +
		"read with hive_partitioning (DuckDB read_parquet(..., hive_partitioning = true), pandas/pyarrow and Spark do by default)"
}

// catalogColumns is the catalog's (dataset -> columns) map.
func catalogColumns(ctx context.Context, c *sql.Conn) (map[string]map[string]bool, error) {
	rows, err := c.QueryContext(ctx, engine.MustRender("catalog_columns", nil))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[string]bool{}
	for rows.Next() {
		var ds, col string
		if err := rows.Scan(&ds, &col); err != nil {
			return nil, err
		}
		if out[ds] == nil {
			out[ds] = map[string]bool{}
		}
		out[ds][col] = true
	}
	return out, rows.Err()
}

// columnOrigin is a prospects column's description and origin: the
// dictionary's, naming the sources (and source columns, when renamed by
// `map:`) it is read from; a carried-along column is described as such,
// naming the people sources that hold it.
func columnOrigin(cfg *config.Config, held map[string]map[string]bool, col string) (desc, origin string) {
	cn, ok := canonicalOf(col)
	if !ok {
		srcs := sourcesHolding(cfg, held, config.RolePeople, col)
		if len(srcs) == 0 {
			srcs = []string{"(no source holds it now)"}
		}
		return "carried along as received from the source (not a canonical column)", "people sources: " + strings.Join(srcs, ", ")
	}
	var parts []string
	if role, canon, ok := strings.Cut(cn.From, "."); ok {
		if srcs := sourcesHolding(cfg, held, role, canon); len(srcs) > 0 {
			parts = append(parts, role+" sources: "+strings.Join(srcs, ", "))
		} else {
			parts = append(parts, role+"."+canon)
		}
	}
	switch {
	case cn.Derivation != "":
		parts = append(parts, cn.Derivation)
	case cn.From == "":
		parts = append(parts, "derived by the pipeline")
	}
	return cn.Description, strings.Join(parts, "; ")
}

// sourcesHolding names the sources of a role whose raw table holds
// column, as source.column, with the file's own column name when `map:`
// renamed it.
func sourcesHolding(cfg *config.Config, held map[string]map[string]bool, role, column string) []string {
	var out []string
	for _, name := range cfg.SourceOrder {
		src := cfg.Sources[name]
		if src.Role != role || !held[name][column] {
			continue
		}
		s := name + "." + column
		if from, ok := src.Map[column]; ok && from != column {
			s += fmt.Sprintf(" (file column %q)", from)
		}
		out = append(out, s)
	}
	return out
}

// ParquetType is how DuckDB writes a column of a DuckDB type to Parquet:
// the physical type, with the logical type in brackets where there is one
// (TestParquetType checks it against files DuckDB writes).
func ParquetType(duck string) string {
	switch duck {
	case "VARCHAR":
		return "BYTE_ARRAY (STRING)"
	case "BIGINT":
		return "INT64"
	case "INTEGER":
		return "INT32"
	case "SMALLINT":
		return "INT32 (INT_16)"
	case "BOOLEAN":
		return "BOOLEAN"
	case "DOUBLE":
		return "DOUBLE"
	case "FLOAT":
		return "FLOAT"
	case "DATE":
		return "INT32 (DATE)"
	case "TIMESTAMP":
		return "INT64 (TIMESTAMP, microseconds)"
	case "TIMESTAMP WITH TIME ZONE":
		return "INT64 (TIMESTAMP, microseconds, UTC)"
	case "VARCHAR[]":
		return "LIST of BYTE_ARRAY (STRING)"
	}
	return "as DuckDB writes " + duck
}
