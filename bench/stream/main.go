//go:build duckdb_arrow

// Command stream measures the plugin streaming rate: rows per second of a
// source streaming Arrow batches through the real go-plugin path (the
// example external connector bin/pipeline-connector-jsonl, found by the
// plugin registry, launched as its own process, batches as Arrow IPC over
// gRPC) into a DuckDB table via duckdb-go's Arrow RegisterView, side by
// side with DuckDB reading the same file natively (read_json), and the
// same rows from CSV (read_csv), in the same process and run.
//
//	go run -tags duckdb_arrow ./bench/stream --csv people.csv --rows 1000000 --plugin-dir bin --work DIR
//
// It prints one JSON object with rows, seconds and rows/s per path, and
// the plugin/native ratio (goal >= 0.5).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/plugin"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/flow"
)

func main() {
	csvPath := flag.String("csv", "", "people.csv from the generator")
	rows := flag.Int64("rows", 1000000, "rows to stream")
	pluginDir := flag.String("plugin-dir", "bin", "folder with pipeline-connector-jsonl")
	work := flag.String("work", "", "scratch folder (the JSON-lines file is cached here)")
	threads := flag.Int("threads", 2, "DuckDB threads")
	repeat := flag.Int("repeat", 2, "runs per path (the best is reported; the first warms caches)")
	parquetOnly := flag.Bool("parquet-only", false, "only the Parquet pair (read_parquet vs benchparquet), for quick iteration")
	flag.Parse()
	if *csvPath == "" || *work == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*csvPath, *rows, *pluginDir, *work, *threads, *repeat, *parquetOnly); err != nil {
		fmt.Fprintln(os.Stderr, "stream:", err)
		os.Exit(1)
	}
}

type result struct {
	Rows       int64   `json:"rows"`
	Seconds    float64 `json:"seconds"`
	RowsPerSec float64 `json:"rows_per_s"`
}

func run(csvPath string, n int64, pluginDir, work string, threads, repeat int, parquetOnly bool) error {
	ctx := context.Background()
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	db, err := engine.Open(ctx, engine.Settings{Threads: threads, MemoryLimit: "4GB", TempDirectory: filepath.Join(work, "tmp")})
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()

	// The same data twice: the first n people as CSV and as JSON lines.
	jsonl := filepath.Join(abs(work), fmt.Sprintf("people-%d.jsonl", n))
	csvOut := filepath.Join(abs(work), fmt.Sprintf("people-%d.csv", n))
	if _, err := os.Stat(jsonl); err != nil {
		q := fmt.Sprintf("CREATE OR REPLACE TEMP TABLE src AS SELECT * FROM read_csv(%s, all_varchar = true) LIMIT %d",
			engine.Literal(abs(csvPath)), n)
		if _, err := c.ExecContext(ctx, q); err != nil {
			return err
		}
		if _, err := c.ExecContext(ctx, fmt.Sprintf("COPY src TO %s (FORMAT json)", engine.Literal(jsonl+".tmp"))); err != nil {
			return err
		}
		if _, err := c.ExecContext(ctx, fmt.Sprintf("COPY src TO %s (FORMAT csv, HEADER)", engine.Literal(csvOut))); err != nil {
			return err
		}
		if _, err := c.ExecContext(ctx, "DROP TABLE src"); err != nil {
			return err
		}
		if err := os.Rename(jsonl+".tmp", jsonl); err != nil {
			return err
		}
	}

	reg := plugin.NewRegistry(plugin.RegistryOptions{PluginDirs: []string{abs(pluginDir)}, Stderr: os.Stderr})
	timeIt := func(f func() (int64, error)) (result, error) {
		var best result
		for i := 0; i < repeat; i++ {
			t0 := time.Now()
			rows, err := f()
			if err != nil {
				return result{}, err
			}
			s := time.Since(t0).Seconds()
			if i == 0 || s < best.Seconds {
				best = result{Rows: rows, Seconds: s, RowsPerSec: float64(rows) / s}
			}
		}
		return best, nil
	}
	load := func(from string) (int64, error) {
		if _, err := c.ExecContext(ctx, "CREATE OR REPLACE TABLE t AS SELECT * FROM "+from); err != nil {
			return 0, err
		}
		var rows int64
		err := c.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&rows)
		return rows, err
	}
	var cols string
	{
		var names []string
		r, err := c.QueryContext(ctx, "SELECT column_name FROM (DESCRIBE SELECT * FROM read_csv("+engine.Literal(csvOut)+", all_varchar = true))")
		if err != nil {
			return err
		}
		for r.Next() {
			var s string
			if err := r.Scan(&s); err != nil {
				return err
			}
			names = append(names, engine.Literal(s)+": 'VARCHAR'")
		}
		r.Close()
		cols = "{" + join(names) + "}"
	}
	var native, nativeCSV, viaPlugin result
	if !parquetOnly {
		native, err = timeIt(func() (int64, error) {
			return load("read_json(" + engine.Literal(jsonl) + ", format = 'newline_delimited', columns = " + cols + ")")
		})
		if err != nil {
			return fmt.Errorf("native read_json: %w", err)
		}
		nativeCSV, err = timeIt(func() (int64, error) {
			return load("read_csv(" + engine.Literal(csvOut) + ", all_varchar = true)")
		})
		if err != nil {
			return fmt.Errorf("native read_csv: %w", err)
		}
		viaPlugin, err = timeIt(func() (int64, error) {
			// Launch included: a real run pays for it too.
			src, closer, err := reg.OpenSource(ctx, "jsonl")
			if err != nil {
				return 0, err
			}
			defer closer.Close()
			scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "bench", Options: connectors.Options{"path": jsonl}})
			if err != nil {
				return 0, err
			}
			if scan.Records == nil {
				return 0, errors.New("jsonl connector returned no record stream")
			}
			release, err := flow.RegisterArrowView(ctx, c, "plugin_stream", scan.Records)
			if err != nil {
				return 0, err
			}
			defer release()
			return load("plugin_stream")
		})
		if err != nil {
			return fmt.Errorf("plugin jsonl: %w", err)
		}
		if viaPlugin.Rows != native.Rows {
			return fmt.Errorf("plugin path loaded %d rows, native %d", viaPlugin.Rows, native.Rows)
		}

	}

	// The transport itself: the same rows as Parquet, decoded columnar by
	// the benchparquet connector (cheap) and streamed over go-plugin, vs
	// DuckDB's read_parquet of the same file.
	pq := filepath.Join(abs(work), fmt.Sprintf("people-%d.parquet", n))
	if _, err := os.Stat(pq); err != nil {
		if _, err := c.ExecContext(ctx, fmt.Sprintf("COPY (SELECT * FROM read_csv(%s, all_varchar = true)) TO %s (FORMAT parquet, ROW_GROUP_SIZE 65536)",
			engine.Literal(csvOut), engine.Literal(pq+".tmp"))); err != nil {
			return err
		}
		if err := os.Rename(pq+".tmp", pq); err != nil {
			return err
		}
	}
	nativePQ, err := timeIt(func() (int64, error) { return load("read_parquet(" + engine.Literal(pq) + ")") })
	if err != nil {
		return fmt.Errorf("native read_parquet: %w", err)
	}
	pluginPQ, err := timeIt(func() (int64, error) {
		src, closer, err := reg.OpenSource(ctx, "benchparquet")
		if err != nil {
			return 0, err
		}
		defer closer.Close()
		scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "bench", Options: connectors.Options{"path": pq}})
		if err != nil {
			return 0, err
		}
		release, err := flow.RegisterArrowView(ctx, c, "plugin_pq", scan.Records)
		if err != nil {
			return 0, err
		}
		defer release()
		return load("plugin_pq")
	})
	if err != nil {
		return fmt.Errorf("plugin benchparquet: %w", err)
	}
	if pluginPQ.Rows != nativePQ.Rows {
		return fmt.Errorf("plugin parquet path loaded %d rows, native %d", pluginPQ.Rows, nativePQ.Rows)
	}
	out := map[string]any{
		"plugin_parquet":                       pluginPQ,
		"native_read_parquet":                  nativePQ,
		"ratio_parquet_plugin_vs_read_parquet": pluginPQ.RowsPerSec / nativePQ.RowsPerSec,
	}
	if parquetOnly {
		return json.NewEncoder(os.Stdout).Encode(out)
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"plugin_jsonl":                         viaPlugin,
		"native_read_json":                     native,
		"native_read_csv":                      nativeCSV,
		"ratio_vs_read_json":                   viaPlugin.RowsPerSec / native.RowsPerSec,
		"ratio_vs_read_csv":                    viaPlugin.RowsPerSec / nativeCSV.RowsPerSec,
		"plugin_parquet":                       pluginPQ,
		"native_read_parquet":                  nativePQ,
		"ratio_parquet_plugin_vs_read_parquet": pluginPQ.RowsPerSec / nativePQ.RowsPerSec,
	})
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}
