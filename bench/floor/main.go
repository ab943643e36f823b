// Command floor runs the nightly job as one hand-written DuckDB SQL script
// (floor.sql) through duckdb-go directly: no config, no catalog, no lineage.
// It is the bench's lower bound for `pipeline run` (see bench/README.md).
//
//	go run -tags duckdb_arrow ./bench/floor --data DIR --out DIR [--threads 2] [--memory-limit 4GB]
//
// It registers the engine's pl_* normalisation functions (engine.Open +
// db.Conn) so that its semantics, and so its exported row count, match.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/example/pipeline/pipeline/engine"
)

//go:embed floor.sql
var script string

func main() {
	data := flag.String("data", "", "folder with the generated CSVs")
	out := flag.String("out", "", "export folder (replaced)")
	rules := flag.String("title-rules", "sql/title_rules.csv", "the engine's title rules")
	threads := flag.Int("threads", 2, "DuckDB threads")
	mem := flag.String("memory-limit", "4GB", "DuckDB memory_limit")
	tmp := flag.String("temp-directory", "", "DuckDB temp_directory (default OUT/../floor_tmp)")
	flag.Parse()
	if *data == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*data, *out, *rules, *threads, *mem, *tmp); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(data, out, rules string, threads int, mem, tmp string) error {
	ctx := context.Background()
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	if tmp == "" {
		tmp = filepath.Join(filepath.Dir(abs(out)), "floor_tmp")
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	vals := map[string]string{
		"companies":       filepath.Join(data, "companies.csv"),
		"people":          filepath.Join(data, "people.csv"),
		"unsubscribes":    filepath.Join(data, "unsubscribes.csv"),
		"blocked_domains": filepath.Join(data, "blocked_domains.csv"),
		"ctps":            filepath.Join(data, "ctps.csv"),
		"title_rules":     rules,
		"type_rules":      filepath.Join(filepath.Dir(rules), "company_type_rules.csv"),
		"out":             out,
	}
	sqlText := regexp.MustCompile(`:([a-z_]+)\b`).ReplaceAllStringFunc(stripComments(script), func(m string) string {
		v, ok := vals[m[1:]]
		if !ok {
			return m
		}
		return engine.Literal(abs(v))
	})
	t0 := time.Now()
	db, err := engine.Open(ctx, engine.Settings{Threads: threads, MemoryLimit: mem, TempDirectory: tmp})
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, sqlText); err != nil {
		return err
	}
	elapsed := time.Since(t0)
	var rows int64
	q := "SELECT count(*) FROM read_parquet(" + engine.Literal(filepath.Join(abs(out), "**", "*.parquet")) + ")"
	if err := c.QueryRowContext(ctx, q).Scan(&rows); err != nil {
		return fmt.Errorf("count exported rows: %w", err)
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"exported": rows, "duration_ns": elapsed.Nanoseconds()})
}

// stripComments drops `--` comments so that placeholders in them are not
// substituted (the script has no `--` inside string literals).
func stripComments(s string) string {
	return regexp.MustCompile(`(?m)--.*$`).ReplaceAllString(s, "")
}
