// Command plainfloor runs the nightly job as one DuckDB script written with
// built-in functions only (plain.sql): the bench's second floor, what a
// data engineer writes by hand. It opens duckdb-go directly and imports
// nothing from the pipeline: a baseline must not share the code it
// measures (bench/README.md).
//
//	go run -tags duckdb_arrow ./bench/plainfloor --data DIR --out DIR [--rules sql] [--lists pipeline/normalize/lists]
//
// It reads the pipeline's rule and list files as data (title rules,
// company-type rules, the email lists) and prints {"exported": N,
// "duration_ns": D} as JSON.
package main

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

//go:embed plain.sql
var script string

func main() {
	data := flag.String("data", "", "folder with the generated CSVs")
	out := flag.String("out", "", "export folder (replaced)")
	rules := flag.String("rules", "sql", "folder with title_rules.csv and company_type_rules.csv")
	lists := flag.String("lists", "pipeline/normalize/lists", "folder with the email lists")
	threads := flag.Int("threads", 2, "DuckDB threads")
	mem := flag.String("memory-limit", "4GB", "DuckDB memory_limit")
	tmp := flag.String("temp-directory", "", "DuckDB temp_directory (default OUT/../plainfloor_tmp)")
	flag.Parse()
	if *data == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*data, *out, *rules, *lists, *threads, *mem, *tmp); err != nil {
		fmt.Fprintln(os.Stderr, "plainfloor:", err)
		os.Exit(1)
	}
}

func literal(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

func run(data, out, rules, lists string, threads int, mem, tmp string) error {
	ctx := context.Background()
	if tmp == "" {
		tmp = filepath.Join(filepath.Dir(abs(out)), "plainfloor_tmp")
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
		"title_rules":     filepath.Join(rules, "title_rules.csv"),
		"type_rules":      filepath.Join(rules, "company_type_rules.csv"),
		"free":            filepath.Join(lists, "free_email_domains.txt"),
		"disposable":      filepath.Join(lists, "disposable_email_domains.txt"),
		"roles":           filepath.Join(lists, "role_based_email_addresses.txt"),
		"out":             out,
	}
	// placeholders outside comments only (no `--` inside the script's literals)
	text := regexp.MustCompile(`(?m)--.*$`).ReplaceAllString(script, "")
	text = regexp.MustCompile(`:([a-z_]+)\b`).ReplaceAllStringFunc(text, func(m string) string {
		if v, ok := vals[m[1:]]; ok {
			return literal(abs(v))
		}
		return m
	})
	t0 := time.Now()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, s := range []string{
		fmt.Sprintf("SET threads = %d", threads),
		"SET memory_limit = " + literal(mem),
		"SET temp_directory = " + literal(tmp),
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
	} {
		if _, err := c.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	if _, err := c.ExecContext(ctx, text); err != nil {
		return err
	}
	elapsed := time.Since(t0)
	var rows int64
	q := "SELECT count(*) FROM read_parquet(" + literal(filepath.Join(abs(out), "**", "*.parquet")) + ")"
	if err := c.QueryRowContext(ctx, q).Scan(&rows); err != nil {
		return fmt.Errorf("count exported rows: %w", err)
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"exported": rows, "duration_ns": elapsed.Nanoseconds()})
}
