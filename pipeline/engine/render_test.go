package engine

import (
	"strings"
	"testing"
)

// TestScanRenders: each kind of Scan renders, through sql/scan.sql and
// the templates it picks, the SQL the stage ran when Go built it as text
// (the same statements, byte for byte): names quoted, values bound.
func TestScanRenders(t *testing.T) {
	args := []CSVArg{{Name: "delim", Param: "p_delim"}, {Name: "header", Param: "p_header", Cast: "BOOLEAN"}}
	rejects := func(s string) string {
		return s + ", store_rejects = true, rejects_table = '_rejects_1', rejects_scan = '_reject_scans_1')"
	}
	file := `(SELECT "c0" AS "a", "c1" AS "b ""c" FROM read_csv($path, auto_detect = false, filename = false, columns = {'c0': 'VARCHAR', 'c1': 'VARCHAR'}, delim = $p_delim, quote = $p_quote, escape = $p_escape, new_line = $p_new_line, header = CAST($p_header AS BOOLEAN)`
	for _, tc := range []struct {
		name string
		scan Scan
		want string
	}{
		{"csv", Scan{CSV: &CSVScan{Args: args}},
			`read_csv($path, all_varchar = true, filename = false, delim = $p_delim, header = CAST($p_header AS BOOLEAN), ignore_errors = true)`},
		{"csv with rejects", Scan{CSV: &CSVScan{Args: args, RejectsTable: "_rejects_1", RejectsScan: "_reject_scans_1"}},
			rejects(`read_csv($path, all_varchar = true, filename = false, delim = $p_delim, header = CAST($p_header AS BOOLEAN)`)},
		{"screened file", Scan{File: &CSVFile{Names: []string{"a", `b "c`}}}, file + `, ignore_errors = true))`},
		{"screened file, encoding, control", Scan{File: &CSVFile{Names: []string{"a", `b "c`}, Encoding: true, Control: true, RejectsTable: "_rejects_1", RejectsScan: "_reject_scans_1"}},
			rejects(file+", encoding = $p_encoding") + ` WHERE NOT regexp_matches(coalesce("c0", '') || coalesce("c1", ''), $p_control))`},
		{"parquet", Scan{Parquet: true}, `read_parquet($path)`},
		{"table", Scan{Table: `_stream_"1`}, `"_stream_""1"`},
		{"raw folder", Scan{RawDir: "/w/raw_x/r1"}, `read_parquet('/w/raw_x/r1/**/*.parquet', hive_partitioning = false)`},
		{"raw files", Scan{RawFiles: []string{"/w/a.parquet", "/w/it's.parquet"}}, `read_parquet(['/w/a.parquet', '/w/it''s.parquet'], hive_partitioning = false)`},
	} {
		got, err := renderScan(tc.scan)
		if err != nil || got != tc.want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", tc.name, got, err, tc.want)
		}
	}
	shard, err := renderScan(Scan{Shard: &ShardScan{Scan: Scan{Parquet: true}, Domain: `dom"x`}})
	if want := `(SELECT * FROM read_parquet($path) WHERE coalesce(CAST(('0x' || left(sha256(lower(pl_domain(CAST("dom""x" AS VARCHAR)))), 8)) AS UBIGINT) % CAST($shard_n AS UBIGINT), 0) = CAST($shard_i AS UBIGINT))`; err != nil || !strings.HasSuffix(shard, "\n"+want) {
		t.Errorf("shard: %s (%v)", shard, err)
	}
}

// TestTemplateFuncsRefuse: the template functions that print a typed
// value refuse one that could carry SQL, and a template that reads a scan
// or row ids refuses SQL text in their place.
func TestTemplateFuncsRefuse(t *testing.T) {
	hostile := "x) ; DROP TABLE people; --"
	for _, tc := range []struct {
		name, tmpl string
		data       any
	}{
		{"no scan", "query_columns", Scan{}},
		{"two scans", "query_columns", Scan{Parquet: true, Table: "t"}},
		{"scan as text", "query_columns", "read_parquet('/etc/x')"},
		{"inner scan as text", "shard_source_rows", map[string]any{"Scan": "people"}},
		{"csv option", "query_columns", Scan{CSV: &CSVScan{Args: []CSVArg{{Name: hostile, Param: "p"}}}}},
		{"csv cast", "query_columns", Scan{CSV: &CSVScan{Args: []CSVArg{{Name: "skip", Param: "p", Cast: "BIGINT) " + hostile}}}}},
		{"csv parameter", "csv_sniff", []CSVArg{{Name: "delim", Param: "p " + hostile}}},
		{"row ids as text", "sar_rows", map[string]any{"Table": "t", "RowIDs": "1) OR (1=1"}},
		{"no row ids", "sar_rows", map[string]any{"Table": "t", "RowIDs": []int64{}}},
		{"kv as text", "erase_rewrite", map[string]any{"KV": `{"k": 'v'}`}},
		{"kv parameter", "erase_rewrite", map[string]any{"KV": KV{{Key: "k", Param: "kv_0, " + hostile}}}},
		{"parameter name", "sar_suppression", []string{"phone_hash_0 OR true"}},
		{"sample percentage as text", "classify/sample", map[string]any{"Rel": map[string]any{"Table": "t"}, "SampleSize": 10, "SystemPercent": "1) " + hostile}},
		{"codec", "purge_raw", map[string]any{"Compression": "zstd) " + hostile}},
	} {
		got, err := Render(tc.tmpl, tc.data)
		if err == nil {
			t.Errorf("%s: rendered\n%s", tc.name, got)
		}
	}
	if got := MustRender("sar_rows", map[string]any{"Table": "t", "RowIDs": []int64{3, -1, 42}}); !strings.Contains(got, "rowid IN (3, -1, 42)") {
		t.Errorf("sar_rows: %s", got)
	}
}
