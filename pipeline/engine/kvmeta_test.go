package engine

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestKVMetadata writes a Parquet file with KVPairs' fragment ({{kv .}}) and
// reads it back with FileKV: keys and values that would break quoting
// (quotes, a semicolon, a would-be injection) arrive unchanged, and
// nothing but quoted keys and placeholders reaches the SQL text.
func TestKVMetadata(t *testing.T) {
	kv := map[string]string{
		"pipeline.purpose":     "B2B outreach; it's \"fine\"",
		`odd"key'`:             "x'); DROP TABLE t; --",
		"pipeline.column.note": "multi\nline ✓",
	}
	pairs, p, err := KVPairs(kv, "kv_")
	if err != nil {
		t.Fatal(err)
	}
	frag := pairs.SQL()
	for _, v := range kv {
		if strings.Contains(frag, v) {
			t.Errorf("a value is spliced into the SQL: %s", frag)
		}
	}
	if want := `{"odd""key'": $kv_0, "pipeline.column.note": $kv_1, "pipeline.purpose": $kv_2}`; frag != want {
		t.Errorf("fragment %s, want %s", frag, want)
	}
	ctx := context.Background()
	db, err := Open(ctx, Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	file := filepath.Join(t.TempDir(), "it's.parquet")
	p["path"] = file
	if _, err := c.ExecContext(ctx, "COPY (SELECT 1 AS a) TO $path (FORMAT parquet, KV_METADATA "+frag+")", p.Args()...); err != nil {
		t.Fatal(err)
	}
	got, err := FileKV(ctx, c, file)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(kv) {
		t.Errorf("read %d entries, want %d: %v", len(got), len(kv), got)
	}
	for k, v := range kv {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	for _, bad := range []map[string]string{{}, {"a\nb": "x"}, {"": "x"}} {
		if _, _, err := KVPairs(bad, "kv_"); err == nil {
			t.Errorf("KVPairs(%q) accepted", bad)
		}
	}
}
