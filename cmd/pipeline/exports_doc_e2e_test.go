package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/manifest"
)

// exportKV reads the key-value metadata of every file of an export, by
// file, with DuckDB's parquet_kv_metadata().
func exportKV(t *testing.T, dir string) map[string]map[string]string {
	t.Helper()
	mem := openDB(t, "")
	defer mem.Close()
	rows, err := mem.Query("SELECT file_name, decode(key), decode(value) FROM parquet_kv_metadata($1)",
		filepath.Join(dir, "exports", "acme_q1", "**", "*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]map[string]string{}
	for rows.Next() {
		var f, k, v string
		if err := rows.Scan(&f, &k, &v); err != nil {
			t.Fatal(err)
		}
		if out[f] == nil {
			out[f] = map[string]string{}
		}
		out[f][k] = v
	}
	for _, f := range filesUnder(t, filepath.Join(dir, "exports", "acme_q1")) {
		if _, ok := out[f]; strings.HasSuffix(f, ".parquet") && !ok {
			t.Errorf("%s has no key-value metadata", f)
		}
	}
	if len(out) == 0 {
		t.Fatal("no export file has key-value metadata")
	}
	return out
}

// TestExportsDescribeThemselves (issue 23, item 4): the manifest lists
// each column with its types, meaning, privacy category and origin, and
// says the partition column is read from the path; every Parquet file
// carries the same (and the purpose, recipient, run id, LIA) as
// key-value metadata, kept through an erasure's rewrite; the catalog
// lists the export beside the tables (JSON and the record of processing).
func TestExportsDescribeThemselves(t *testing.T) {
	dir := workspace(t)
	editConfig(t, dir, "b2b: true}", "b2b: true,\n          purpose_answer: \"Selling payroll software to finance leaders | it's B2B\"}")
	mustPipeline(t, dir, "run")
	m, err := manifest.Read(filepath.Join(dir, "exports", "acme_q1"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	byName := map[string]connectors.ColumnDoc{}
	for _, c := range m.Columns {
		names = append(names, c.Name)
		byName[c.Name] = c
		if c.Type == "" || c.ParquetType == "" || c.Description == "" || c.Category == "" || c.Source == "" {
			t.Errorf("column %s is not fully described: %+v", c.Name, c)
		}
	}
	if want := "subject_key,first_name,last_name,job_title,email,company_name,company_domain,country"; strings.Join(names, ",") != want {
		t.Errorf("manifest columns %v, want %s", names, want)
	}
	email := byName["email"]
	if email.Type != "VARCHAR" || email.ParquetType != "BYTE_ARRAY (STRING)" || email.Category != "contact.email" || !email.Personal ||
		!strings.Contains(email.Source, "vendor_people.email") {
		t.Errorf("email described as %+v", email)
	}
	if c := byName["company_name"]; c.Personal || !strings.Contains(c.Source, "companies sources: companies.name") {
		t.Errorf("company_name described as %+v", c)
	}
	if byName["country"].Partition != "path" || byName["email"].Partition != "" {
		t.Errorf("partition: country %q, email %q", byName["country"].Partition, byName["email"].Partition)
	}
	p := m.Partitioning
	if p == nil || p.Style != "hive" || !slices.Equal(p.Columns, []string{"country"}) || p.InFiles || !strings.Contains(p.Note, "read from the path") {
		t.Errorf("manifest partitioning %+v", p)
	}
	if m.Metadata["lia.purpose_answer"] != "Selling payroll software to finance leaders | it's B2B" {
		t.Errorf("manifest LIA answer %q", m.Metadata["lia.purpose_answer"])
	}
	if _, ok := m.Metadata[connectors.MetadataExportDoc]; ok {
		t.Error("the transport key is left in the manifest's metadata")
	}

	for file, kv := range exportKV(t, dir) {
		for k, want := range map[string]string{
			"pipeline.run_id": m.Metadata["run_id"], "pipeline.purpose": "B2B outreach about payroll software to finance leaders",
			"pipeline.recipient": "Acme Payroll Ltd", "pipeline.recipient_contact": "privacy@acme-payroll.example",
			"pipeline.lia.purpose_answer": "Selling payroll software to finance leaders | it's B2B",
		} {
			if kv[k] != want {
				t.Errorf("%s: %s = %q, want %q", file, k, kv[k], want)
			}
		}
		var cols []connectors.ColumnDoc
		if err := json.Unmarshal([]byte(kv["pipeline.columns"]), &cols); err != nil || !slices.Equal(cols, m.Columns) {
			t.Errorf("%s: pipeline.columns %v (%v), want the manifest's", file, cols, err)
		}
		if !strings.Contains(kv["pipeline.column.email"], "contact.email") || !strings.Contains(kv["pipeline.partitioning"], `"in_files":false`) {
			t.Errorf("%s: column line %q, partitioning %q", file, kv["pipeline.column.email"], kv["pipeline.partitioning"])
		}
	}
	mem := openDB(t, "")
	inFile := queryStrings(t, mem, "SELECT name FROM parquet_schema($1) WHERE name = 'country'", filepath.Join(dir, "exports", "acme_q1", "**", "*.parquet"))
	mem.Close()
	if len(inFile) != 0 {
		t.Errorf("the partition column is inside the files: %v", inFile)
	}

	// the catalog lists the export beside the tables
	var cat struct {
		Exports []struct {
			Export  string                 `json:"export"`
			Columns []connectors.ColumnDoc `json:"columns"`
		} `json:"exports"`
		Campaigns []struct {
			LIA map[string]string `json:"lia"`
		} `json:"campaigns"`
	}
	if err := json.Unmarshal([]byte(mustPipeline(t, dir, "catalog", "--format", "json").stdout), &cat); err != nil {
		t.Fatal(err)
	}
	if len(cat.Exports) != 1 || cat.Exports[0].Export != "acme_q1" || !slices.Equal(cat.Exports[0].Columns, m.Columns) {
		t.Errorf("catalog exports %+v", cat.Exports)
	}
	if len(cat.Campaigns) != 1 || cat.Campaigns[0].LIA["purpose_answer"] == "" || cat.Campaigns[0].LIA["b2b"] != "true" {
		t.Errorf("catalog campaigns %+v", cat.Campaigns)
	}
	md := mustPipeline(t, dir, "catalog", "--format", "markdown").stdout
	for _, want := range []string{"## Exports", "### acme_q1", "| email | VARCHAR | contact.email | true | work email |",
		"  - purpose test: Selling payroll software to finance leaders | it's B2B"} {
		if !strings.Contains(md, want) {
			t.Errorf("record of processing lacks %q:\n%s", want, md)
		}
	}

	// an erasure rewrites the subject's file: its metadata stays
	mustPipeline(t, dir, "erase", "--email", sarEmail, "--yes")
	for file, kv := range exportKV(t, dir) {
		if kv["pipeline.run_id"] != m.Metadata["run_id"] || kv["pipeline.columns"] == "" {
			t.Errorf("%s lost its metadata after the erasure: %v", file, kv)
		}
	}
	if m2, err := manifest.Read(filepath.Join(dir, "exports", "acme_q1")); err != nil || !slices.Equal(m2.Columns, m.Columns) || m2.Partitioning == nil {
		t.Errorf("the manifest rewritten by the erasure lost its description: %v", err)
	}
}

// TestExportKeepPartitionColumns: keep_partition_columns writes the
// partition column inside the files too, says so in the manifest, and
// the SAR still finds the subject's export rows.
func TestExportKeepPartitionColumns(t *testing.T) {
	dir := workspace(t)
	editConfig(t, dir, "partition_by: [country]", "partition_by: [country]\n    keep_partition_columns: true")
	mustPipeline(t, dir, "run")
	m, err := manifest.Read(filepath.Join(dir, "exports", "acme_q1"))
	if err != nil {
		t.Fatal(err)
	}
	if p := m.Partitioning; p == nil || !p.InFiles || m.Columns[len(m.Columns)-1].Partition != "path_and_file" {
		t.Errorf("manifest partitioning %+v, country %+v", p, m.Columns[len(m.Columns)-1])
	}
	mem := openDB(t, "")
	got := queryStrings(t, mem, "SELECT DISTINCT country FROM read_parquet($1, hive_partitioning = false) ORDER BY 1", filepath.Join(dir, "exports", "acme_q1", "**", "*.parquet"))
	mem.Close()
	if strings.Join(got, ",") != "GB,IE" {
		t.Errorf("country inside the files: %v", got)
	}
	if kinds(sar(t, dir))["acme_q1"] != "export" {
		t.Errorf("SAR does not find the export rows: %v", kinds(sar(t, dir)))
	}
}

// exportContent fingerprints each export file by its rows and its
// key-value metadata without the run's own id and start time: what a
// rerun on the same inputs reproduces exactly (the files' bytes differ by
// the run id they carry).
func exportContent(t *testing.T, dir string) map[string]string {
	t.Helper()
	mem := openDB(t, "")
	defer mem.Close()
	out := map[string]string{}
	for path := range exportChecksums(t, dir) {
		file := filepath.Join(dir, "exports", "acme_q1", filepath.FromSlash(path))
		rows := queryStrings(t, mem, `SELECT md5(coalesce(string_agg(x::VARCHAR, chr(10) ORDER BY x::VARCHAR), '')) FROM read_parquet($1, hive_partitioning = false) x`, file)
		kv := queryStrings(t, mem, `SELECT coalesce(string_agg(decode(key) || '=' || decode(value), chr(10) ORDER BY decode(key)), '')
			FROM parquet_kv_metadata($1) WHERE decode(key) NOT IN ('pipeline.run_id', 'pipeline.created_at')`, file)
		out[path] = rows[0] + "\n" + kv[0]
	}
	return out
}
