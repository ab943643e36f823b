// Command keys prints the subject_key column of every exported row under a
// folder (Parquet files, or the CSV files the pandas peers write when no
// Parquet library imports), one a line, sorted: the bench compares these
// lists, not only their lengths. It opens duckdb-go directly and imports
// nothing from the pipeline.
//
//	go run -tags duckdb_arrow ./bench/keys DIR
package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: keys DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "keys:", err)
		os.Exit(1)
	}
}

func literal(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

func run(dir string) error {
	ctx := context.Background()
	pq, _ := filepath.Glob(filepath.Join(dir, "*", "*.parquet"))
	pq2, _ := filepath.Glob(filepath.Join(dir, "*.parquet"))
	csvs, _ := filepath.Glob(filepath.Join(dir, "*", "*.csv"))
	var from string
	switch {
	case len(pq)+len(pq2) > 0 && len(csvs) > 0:
		return fmt.Errorf("%s: both Parquet and CSV files", dir)
	case len(pq)+len(pq2) > 0:
		from = "read_parquet(" + literal(filepath.Join(dir, "**", "*.parquet")) + ", union_by_name = true)"
	case len(csvs) > 0:
		from = "read_csv(" + literal(filepath.Join(dir, "**", "*.csv")) + ", all_varchar = true, union_by_name = true)"
	default:
		return fmt.Errorf("%s: no exported files", dir)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT CAST(subject_key AS VARCHAR) FROM "+from+" ORDER BY 1")
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	defer rows.Close()
	w := bufio.NewWriter(os.Stdout)
	for rows.Next() {
		var k sql.NullString
		if err := rows.Scan(&k); err != nil {
			return err
		}
		if !k.Valid {
			return fmt.Errorf("%s: a row without a subject_key", dir)
		}
		fmt.Fprintln(w, k.String)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return w.Flush()
}
