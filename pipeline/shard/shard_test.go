package shard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// TestShardKeySQL holds sql/shard_scan.sql to its documented hash: the
// first 8 hex digits of SHA-256 of the lower-cased normalised domain,
// modulo N, shard 0 without a domain; a people row's key is its company
// domain, else its email's domain, as enrichment reads it.
func TestShardKeySQL(t *testing.T) {
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	type row struct{ domain, email, key string }
	rows := []row{
		{"acme.com", "x@elsewhere.org", "acme.com"},
		{"https://www.Northwind-Payroll.co.uk/", "", "northwind-payroll.co.uk"},
		{"", "jane@Contoso.IE", "contoso.ie"},
		{"   ", "bob@example.net", "example.net"},
		{"", "", ""},
		{"ACME.COM ", "", "acme.com"},
	}
	var ds, es, ks []string
	for _, r := range rows {
		ds, es, ks = append(ds, r.domain), append(es, r.email), append(ks, r.key)
	}
	if _, err := c.ExecContext(ctx, "CREATE TEMP TABLE shard_rows AS SELECT unnest($d) AS d, unnest($e) AS e, unnest($k) AS k",
		engine.Params{"d": ds, "e": es, "k": ks}.Args()...); err != nil {
		t.Fatal(err)
	}
	scan := engine.Scan{Shard: &engine.ShardScan{Scan: engine.Scan{Table: "shard_rows"}, Domain: "d", Email: "e"}}
	for n := 1; n <= 7; n += 3 {
		for i := 0; i < n; i++ {
			q := "SELECT k FROM " + scan.Key() // the test's own query over the rendered scan
			got, err := c.QueryContext(ctx, q, engine.Params{"shard_i": i, "shard_n": n}.Args()...)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			var keys []string
			for got.Next() {
				var k string
				if err := got.Scan(&k); err != nil {
					t.Fatal(err)
				}
				keys = append(keys, k)
			}
			got.Close()
			var want []string
			for _, r := range rows {
				if goShard(r.key, n) == i {
					want = append(want, r.key)
				}
			}
			sort.Strings(keys)
			sort.Strings(want)
			if strings.Join(keys, ",") != strings.Join(want, ",") {
				t.Errorf("shard %d/%d: SQL keeps %q, the documented hash %q", i, n, keys, want)
			}
		}
	}
}

// goShard is the documented hash (docs/sharding.md).
func goShard(domain string, n int) int {
	if domain == "" {
		return 0
	}
	h := sha256.Sum256([]byte(strings.ToLower(domain)))
	v, _ := strconv.ParseUint(hex.EncodeToString(h[:])[:8], 16, 64)
	return int(v % uint64(n))
}

// TestRenameParts: shard I of N renumbers file n to I + N·n, keeping the
// bucket, so the shards of a run never name a file alike.
func TestRenameParts(t *testing.T) {
	names := map[int][]string{}
	for i := 0; i < 3; i++ {
		dir := t.TempDir()
		for _, f := range []string{"part-0.parquet", "part-1.parquet", "country=GB/part-ab-0.parquet", "country=GB/part-ab-2.parquet"} {
			p := filepath.Join(dir, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := (Spec{I: i, N: 3}).RenameParts(dir); err != nil {
			t.Fatal(err)
		}
		_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				rel, _ := filepath.Rel(dir, p)
				names[i] = append(names[i], rel)
			}
			return nil
		})
		sort.Strings(names[i])
	}
	want := fmt.Sprint([]string{"country=GB/part-ab-1.parquet", "country=GB/part-ab-7.parquet", "part-1.parquet", "part-4.parquet"})
	if got := fmt.Sprint(names[1]); got != want {
		t.Fatalf("shard 1 of 3: %s, want %s", got, want)
	}
	seen := map[string]int{}
	for i, ns := range names {
		for _, n := range ns {
			if j, ok := seen[n]; ok {
				t.Fatalf("shards %d and %d both name %s", j, i, n)
			}
			seen[n] = i
		}
	}
}

// TestApply: a shard's config has its own warehouse and temp folder and
// every export redirected into the run's parts folder; the unsharded
// config is left as it was; an export without a dir is refused.
func TestApply(t *testing.T) {
	cfg := &config.Config{Dir: "/p", Warehouse: "/p/state/w.duckdb", Engine: config.Engine{TempDirectory: "/p/state/tmp"},
		ExportOrder: []string{"a"}, Exports: map[string]*config.Export{"a": {Name: "a", Sink: config.Sink{Connector: "parquet",
			Options: map[string]any{"dir": "/p/exports/a"}, RawOptions: map[string]any{"dir": "exports/a"}}}}}
	s, err := Parse("2/4", "nightly-1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Apply(cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	if got.Warehouse != "/p/state/w.duckdb.shard-2-of-4" || got.Engine.TempDirectory != "/p/state/tmp/shard-2-of-4" ||
		got.Exports["a"].Sink.Options["dir"] != "/p/exports/.a.parts-nightly-1/shard-2-of-4" {
		t.Fatalf("shard config: %s %s %v", got.Warehouse, got.Engine.TempDirectory, got.Exports["a"].Sink.Options)
	}
	if cfg.Exports["a"].Sink.Options["dir"] != "/p/exports/a" || cfg.Warehouse != "/p/state/w.duckdb" {
		t.Fatal("Apply changed the unsharded config")
	}
	cfg.Exports["a"].Sink = config.Sink{Connector: "postgres", Options: map[string]any{"table": "t"}}
	if _, err := Apply(cfg, s); err == nil || !strings.Contains(err.Error(), `export "a"`) {
		t.Fatalf("an export without a dir: %v", err)
	}
	for _, bad := range [][2]string{{"4/4", "r"}, {"-1/4", "r"}, {"1", "r"}, {"0/4", ""}, {"0/4", "../x"}, {"0/4", "a b"}} {
		if _, err := Parse(bad[0], bad[1]); err == nil {
			t.Errorf("Parse(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

// TestComplete names every shard that is missing, running or failed.
func TestComplete(t *testing.T) {
	sts := []Status{{Shard: 0, Shards: 4, Status: StatusSucceeded}, {Shard: 1, Shards: 4, Status: StatusRunning},
		{Shard: 3, Shards: 4, Status: StatusFailed}}
	_, err := Complete("r", sts)
	if !errors.Is(err, ErrIncomplete) {
		t.Fatalf("want ErrIncomplete, got %v", err)
	}
	for _, want := range []string{"shard-1-of-4 running", "shard-2-of-4 missing", "shard-3-of-4 failed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v: does not say %q", err, want)
		}
	}
	sts[1].Status, sts[2].Status = StatusSucceeded, StatusSucceeded
	sts = append(sts, Status{Shard: 2, Shards: 4, Status: StatusSucceeded})
	if n, err := Complete("r", sts); err != nil || n != 4 {
		t.Fatalf("every shard succeeded: %d, %v", n, err)
	}
	sts[0].Shards = 2
	if _, err := Complete("r", sts); err == nil {
		t.Fatal("shards disagreeing on N accepted")
	}
}
