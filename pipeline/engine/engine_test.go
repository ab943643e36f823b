package engine

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCommitWithoutFSST: strings FSST would compress (a few hundred long
// values repeated) are checkpointed with another method by
// CommitWithoutFSST and by CheckpointWithoutFSST, and FSST is back for
// every later checkpoint.
func TestCommitWithoutFSST(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Settings{Path: filepath.Join(t.TempDir(), "w.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const fill = `SELECT 'https://www.linkedin.com/in/person-' || (i % 500) || '-' || md5(i::VARCHAR) AS s FROM range(200000) r(i)`
	// the same strings, fewer than a row group (122880), always the same
	// ones: on 5000 rows taken by a LIMIT over the parallel scan DuckDB's
	// compression analysis chose FSST or none from run to run
	const fillSmall = `SELECT 'https://www.linkedin.com/in/person-' || (i % 500) || '-' || md5(i::VARCHAR) AS s FROM range(100000) r(i)`
	exec := func(q string) {
		t.Helper()
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	methods := func(table string) []string {
		t.Helper()
		rows, err := c.QueryContext(ctx, `SELECT DISTINCT compression FROM pragma_storage_info('`+table+`') WHERE segment_type = 'VARCHAR' ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var m string
			if err := rows.Scan(&m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(out) == 0 {
			t.Fatalf("no VARCHAR segments of %s in pragma_storage_info", table)
		}
		return out
	}
	exec("BEGIN TRANSACTION")
	exec("CREATE TABLE run_wrote AS " + fill)
	if ck, err := CommitWithoutFSST(ctx, c); err != nil || ck != nil {
		t.Fatalf("CommitWithoutFSST: checkpoint %v, err %v", ck, err)
	}
	if m := methods("run_wrote"); slices.Contains(m, "FSST") {
		t.Errorf("CommitWithoutFSST stored strings with FSST (%v)", m)
	}
	exec("CREATE TABLE later AS " + fill)
	exec("CHECKPOINT")
	if m := methods("later"); !slices.Contains(m, "FSST") {
		t.Errorf("a later checkpoint does not use FSST (%v): the setting was not reset", m)
	}
	// CheckpointWithoutFSST: the same for rows committed before it (fewer
	// than a row group: a bigger insert is compressed as it is written)
	exec("CREATE TABLE sar_wrote AS " + fillSmall)
	if err := CheckpointWithoutFSST(ctx, c); err != nil {
		t.Fatalf("CheckpointWithoutFSST: %v", err)
	}
	if m := methods("sar_wrote"); slices.Contains(m, "FSST") {
		t.Errorf("CheckpointWithoutFSST stored strings with FSST (%v)", m)
	}
	exec("CREATE TABLE later_still AS " + fillSmall)
	exec("CHECKPOINT")
	if m := methods("later_still"); !slices.Contains(m, "FSST") {
		t.Errorf("a checkpoint after CheckpointWithoutFSST does not use FSST (%v): the setting was not reset", m)
	}
}

// TestSortedMergeRenders: the suppression merges order by hash exactly
// when SortForLookups says so, and their statement ends outside the
// comment above ORDER BY either way (a template trimming the newline
// before it once put the semicolon in the comment).
func TestSortedMergeRenders(t *testing.T) {
	for _, name := range []string{"suppress_merge", "suppress_import"} {
		for _, n := range []int64{1000, RowGroupRows, RowGroupRows + 1} {
			sorted := SortForLookups(n)
			script, err := Render(name, map[string]any{"In": Table{Name: "supp_in"}, "Sorted": sorted})
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(script), "\n")
			last := strings.TrimSpace(lines[len(lines)-1])
			want := ";"
			if sorted {
				want = "ORDER BY i.hash;"
			}
			if last != want {
				t.Errorf("%s, %d rows: last line %q, want %q", name, n, last, want)
			}
			if got := strings.Contains(script, "ORDER BY i.hash"); got != sorted || sorted != (n > RowGroupRows) {
				t.Errorf("%s, %d rows: ORDER BY %v, sorted %v", name, n, got, sorted)
			}
		}
	}
}

// TestTypedTemplateValues: {{table}} quotes both parts of a qualified
// name, {{kv}} quotes metadata keys and binds the values, and {{codec}}
// refuses any word that is not a Parquet codec (a template never splices
// a raw SQL string from Go).
func TestTypedTemplateValues(t *testing.T) {
	if got := MustRender("list_counts", Table{Catalog: "pl_scratch", Name: `odd"name`}); !strings.Contains(got, `FROM "pl_scratch"."odd""name"`) {
		t.Errorf("list_counts: %s", got)
	}
	kv, p, err := KVPairs(map[string]string{`a"b`: "v"}, "kv_")
	if err != nil {
		t.Fatal(err)
	}
	if got := MustRender("export_copy", map[string]any{"Columns": []string{"x"}, "KV": kv}); !strings.Contains(got, `KV_METADATA {"a""b": $kv_0}`) || p["kv_0"] != "v" {
		t.Errorf("export_copy with KV: %s (params %v)", got, p)
	}
	data := map[string]any{"Compression": "zstd; DROP TABLE x", "Columns": nil, "Scan": Scan{Table: "t"}}
	if _, err := Render("stage_consent", data); err == nil || !strings.Contains(err.Error(), "not a Parquet codec") {
		t.Errorf("stage_consent with a bad codec: %v", err)
	}
}
