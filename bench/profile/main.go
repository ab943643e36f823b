// Command profile runs SQL scripts on a DuckDB database with the engine's
// pl_* functions registered and prints each statement's wall time; with
// --explain the last statement of each script runs under EXPLAIN ANALYZE.
// It is how the slow stages of `pipeline run` were profiled (bench/README.md).
//
//	go run -tags duckdb_arrow ./bench/profile --db FILE|:memory: [--explain] a.sql b.sql ...
//
// Statements are separated by ";\n".
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/engine"
)

func main() {
	dbPath := flag.String("db", ":memory:", "database file")
	explain := flag.Bool("explain", false, "EXPLAIN ANALYZE the last statement of each script")
	threads := flag.Int("threads", 2, "DuckDB threads")
	flag.Parse()
	ctx := context.Background()
	p := *dbPath
	if p == ":memory:" {
		p = ""
	}
	db, err := engine.Open(ctx, engine.Settings{Path: p, Threads: *threads, MemoryLimit: os.Getenv("MEM"), TempDirectory: os.TempDir() + "/bench-profile"})
	check(err)
	defer db.Close()
	c, err := db.Conn(ctx)
	check(err)
	defer c.Close()
	for _, f := range flag.Args() {
		b, err := os.ReadFile(f)
		check(err)
		stmts := strings.Split(string(b), ";\n")
		var clean []string
		for _, s := range stmts {
			if strings.TrimSpace(stripComments(s)) != "" {
				clean = append(clean, s)
			}
		}
		for i, s := range clean {
			if *explain && i == len(clean)-1 {
				var k, v string
				check(c.QueryRowContext(ctx, "EXPLAIN ANALYZE "+s).Scan(&k, &v))
				fmt.Println(v)
				continue
			}
			t0 := time.Now()
			_, err := c.ExecContext(ctx, s)
			check(err)
			first := strings.TrimSpace(stripComments(s))
			if len(first) > 70 {
				first = first[:70]
			}
			fmt.Printf("%7.2fs  %s\n", time.Since(t0).Seconds(), strings.ReplaceAll(first, "\n", " "))
		}
	}
}

func stripComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if i := strings.Index(l, "--"); i >= 0 {
			l = l[:i]
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		os.Exit(1)
	}
}
