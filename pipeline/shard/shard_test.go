package shard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

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
	for n := 1; n <= 7; n += 3 {
		scan := engine.MustRender("shard_scan", map[string]any{"Scan": "(SELECT unnest($d) AS d, unnest($e) AS e, unnest($k) AS k)", "Domain": "d", "Email": "e"})
		var ds, es, ks []string
		for _, r := range rows {
			ds, es, ks = append(ds, r.domain), append(es, r.email), append(ks, r.key)
		}
		for i := 0; i < n; i++ {
			q := "SELECT k FROM " + scan // the test's own query over the rendered fragment
			got, err := c.QueryContext(ctx, q, engine.Params{"d": ds, "e": es, "k": ks, "shard_i": i, "shard_n": n}.Args()...)
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
