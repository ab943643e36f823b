package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

// queryFormat runs stmt on an in-memory DuckDB and writes its rows in format.
func queryFormat(t *testing.T, db *sql.DB, stmt, format string) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), stmt)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b bytes.Buffer
	w, err := newRowWriter(format, &b)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeRows(rows, w); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestQueryFormats: each value is written as the type it is, in every
// format: JSON, STRUCT, LIST and MAP as JSON (not Go's map[k:v]), times
// as ISO 8601 in UTC (not "+0000 UTC"), NULL as null (json) or empty (csv).
func TestQueryFormats(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		name, give, format, want string
	}{
		{"json object", `SELECT '{"error": false, "n": [1, 2]}'::JSON AS j`, "jsonl", `{"j":{"error":false,"n":[1,2]}}` + "\n"},
		{"struct as json in csv", `SELECT {'a': 1, 'b': 'x'} AS s`, "csv", "s\n\"{\"\"a\"\":1,\"\"b\"\":\"\"x\"\"}\"\n"},
		{"map keeps its key order", `SELECT MAP {'z': 1, 'a': 2} AS m`, "table", "m\n{\"z\":1,\"a\":2}\n"},
		{"list", `SELECT [1, NULL, 3] AS l`, "json", "[\n{\"l\":[1,null,3]}\n]\n"},
		{"timestamp utc", `SELECT TIMESTAMP '2024-05-06 07:08:09.123' AS ts`, "table", "ts\n2024-05-06T07:08:09.123Z\n"},
		{"timestamptz to utc", `SELECT TIMESTAMPTZ '2024-05-06 07:08:09+02' AS ts`, "jsonl", `{"ts":"2024-05-06T05:08:09Z"}` + "\n"},
		{"date", `SELECT DATE '2024-05-06' AS d`, "csv", "d\n2024-05-06\n"},
		{"null in json", `SELECT NULL::VARCHAR AS n, 1 AS one`, "jsonl", `{"n":null,"one":1}` + "\n"},
		{"null in csv", `SELECT NULL::VARCHAR AS n, 'x' AS s`, "csv", "n,s\n,x\n"},
		{"null in table", `SELECT NULL::VARCHAR AS n`, "table", "n\nNULL\n"},
		{"null in markdown", `SELECT NULL::VARCHAR AS n, 'a|b' AS s`, "markdown", "| n | s |\n| --- | --- |\n|  | a\\|b |\n"},
		{"decimal and hugeint exact", `SELECT 12345678901234567.89::DECIMAL(38,2) AS d, 170141183460469231731687303715884105727::HUGEINT AS h`, "jsonl",
			`{"d":12345678901234567.89,"h":170141183460469231731687303715884105727}` + "\n"},
		{"uuid as text", `SELECT '00000000-0000-0000-0000-00000000002a'::UUID AS u`, "csv", "u\n00000000-0000-0000-0000-00000000002a\n"},
		{"interval iso 8601", `SELECT INTERVAL 1 MONTH + INTERVAL 2 DAY + INTERVAL 1500 MILLISECOND AS i`, "jsonl", `{"i":"P1M2DT1.5S"}` + "\n"},
		{"no rows json", `SELECT 1 AS x WHERE false`, "json", "[]\n"},
		{"columns keep their order", `SELECT 1 AS b, 2 AS a`, "jsonl", `{"b":1,"a":2}` + "\n"},
		{"html not escaped", `SELECT '<a&b>' AS s`, "jsonl", `{"s":"<a&b>"}` + "\n"},
		{"table escapes line breaks", `SELECT 'a' || chr(10) || 'b' AS s`, "table", "s\na\\nb\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := queryFormat(t, db, tt.give, tt.format); got != tt.want {
				t.Errorf("%s as %s:\n got %q\nwant %q", tt.give, tt.format, got, tt.want)
			}
		})
	}
}

// TestQueryFormatJSONValid: a mixed row is valid JSON in json and jsonl.
func TestQueryFormatJSONValid(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmt := `SELECT 'nan'::DOUBLE AS f, '\xAA'::BLOB AS b, {'t': TIMESTAMP '2024-01-01 00:00:00'} AS s, range AS r FROM range(3)`
	var arr []map[string]any
	if err := json.Unmarshal([]byte(queryFormat(t, db, stmt, "json")), &arr); err != nil {
		t.Fatal(err)
	}
	if len(arr) != 3 || arr[0]["f"] != "NaN" || arr[0]["b"] != `\xAA` {
		t.Fatalf("json: %v", arr)
	}
	ts := arr[0]["s"].(map[string]any)["t"].(string)
	if _, err := time.Parse(time.RFC3339, ts); err != nil {
		t.Errorf("nested timestamp %q: %v", ts, err)
	}
	lines := strings.Split(strings.TrimSpace(queryFormat(t, db, stmt, "jsonl")), "\n")
	if len(lines) != 3 {
		t.Fatalf("jsonl: %d lines", len(lines))
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("jsonl line not JSON: %s", l)
		}
	}
}
