package flow

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var updateDictionary = flag.Bool("update", false, "rewrite docs/data-dictionary.md from Dictionary")

// TestDataDictionaryFile: the dictionary describes exactly the canonical
// columns of each role and of prospects, and docs/data-dictionary.md is
// its rendering (run with -update after changing it).
func TestDataDictionaryFile(t *testing.T) {
	want := map[string][]string{
		"companies": CompanyColumns, "people": PeopleColumns, "consent": ConsentColumns,
		"prospects": append(slices.Clone(ProspectColumns), "_source", "_sources", "_run_id", "_loaded_at"),
	}
	for _, s := range Dictionary {
		var got []string
		for _, c := range s.Columns {
			if c.Description == "" {
				t.Errorf("%s.%s has no description", s.Dataset, c.Name)
			}
			got = append(got, c.Name)
		}
		if !slices.Equal(got, want[s.Dataset]) {
			t.Errorf("dictionary %s: %v, want %v", s.Dataset, got, want[s.Dataset])
		}
		delete(want, s.Dataset)
	}
	if len(want) > 0 {
		t.Errorf("sections missing: %v", want)
	}
	path := filepath.Join("..", "..", "docs", "data-dictionary.md")
	md := DictionaryMarkdown()
	if *updateDictionary {
		if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != md {
		t.Errorf("%s is out of date: go test -tags=duckdb_arrow ./pipeline/flow -run DataDictionaryFile -update", path)
	}
}

// TestParquetType: ParquetType says what DuckDB writes for each type an
// export may hold, checked against the schema of a file DuckDB wrote.
func TestParquetType(t *testing.T) {
	ctx := context.Background()
	c := memConn(t, 1)
	file := filepath.Join(t.TempDir(), "types.parquet")
	if _, err := c.ExecContext(ctx, `COPY (SELECT 'x'::VARCHAR AS v, 1::BIGINT AS b, 1::INTEGER AS i, 1::SMALLINT AS s, true AS o,
		1.5::DOUBLE AS d, 1.5::FLOAT AS f, DATE '2026-01-01' AS dt, TIMESTAMP '2026-01-01 10:00:00' AS ts,
		TIMESTAMPTZ '2026-01-01 10:00:00+00' AS tz, ['a']::VARCHAR[] AS l) TO '`+file+`' (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	rows, err := c.QueryContext(ctx, `SELECT s.name, t.column_type, coalesce(s.type, ''), coalesce(s.converted_type, ''), coalesce(s.logical_type::VARCHAR, '')
		FROM parquet_schema($1) s JOIN (SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($1))) t ON 1 = 1
		WHERE s.name = t.column_name`, file)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name, duck, phys, conv, logical string
		if err := rows.Scan(&name, &duck, &phys, &conv, &logical); err != nil {
			t.Fatal(err)
		}
		n++
		got := ParquetType(duck)
		t.Logf("%s %s: %s %s %s -> %s", name, duck, phys, conv, logical, got)
		if phys != "" && !startsWith(got, phys) {
			t.Errorf("%s: ParquetType(%s) = %q, DuckDB wrote %s", name, duck, got, phys)
		}
		for conv2, want := range map[string]string{"UTF8": "(STRING)", "INT_16": "(INT_16)", "DATE": "(DATE)", "TIMESTAMP_MICROS": "(TIMESTAMP, microseconds"} {
			if conv == conv2 && !strings.Contains(got, want) {
				t.Errorf("%s: ParquetType(%s) = %q, DuckDB wrote %s", name, duck, got, conv)
			}
		}
		if strings.Contains(logical, "isAdjustedToUTC=1") != strings.Contains(got, "UTC") {
			t.Errorf("%s: ParquetType(%s) = %q, DuckDB wrote %s", name, duck, got, logical)
		}
		if phys == "" && !startsWith(got, "LIST") {
			t.Errorf("%s: ParquetType(%s) = %q, DuckDB wrote a group (%s)", name, duck, got, conv)
		}
	}
	if n != 11 {
		t.Errorf("%d columns checked, want 11", n)
	}
}

func startsWith(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }
