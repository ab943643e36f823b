package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/connectors/manifest"
)

// boundedWorkspace is the fixtures' workspace with acme_q1 bounded to two
// rows per file, so its partitions are split into subject_key buckets.
func boundedWorkspace(t *testing.T) string {
	t.Helper()
	dir := workspace(t)
	p := filepath.Join(dir, "pipeline.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "    partition_by: [country]\n", "    partition_by: [country]\n    rows_per_file: 2\n", 1)
	if s == string(b) {
		t.Fatal("pipeline.yaml has no partition_by line to bound")
	}
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// exportedSubject is one exported subject's email and subject_key.
func exportedSubject(t *testing.T, dir string) (email, key string) {
	t.Helper()
	r := mustPipeline(t, dir, "query", "--format", "csv",
		"SELECT email, subject_key FROM read_parquet('exports/acme_q1/**/*.parquet') ORDER BY subject_key LIMIT 1 OFFSET 3")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	email, key, _ = strings.Cut(lines[len(lines)-1], ",")
	return email, key
}

type fileState struct {
	mod   time.Time
	bytes []byte
}

func exportFiles(t *testing.T, root string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".parquet") {
			return err
		}
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = fileState{st.ModTime(), b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBoundedExportEraseRewritesOnlySubjectsFile: with rows_per_file an
// export's files hold at most that many rows and are named by the
// subject_key bucket; SAR finds the subject in its bucket's file, and an
// erasure rewrites that file alone: every other file keeps its bytes and
// modification time, and the manifest lists what is on disk.
func TestBoundedExportEraseRewritesOnlySubjectsFile(t *testing.T) {
	dir := boundedWorkspace(t)
	mustPipeline(t, dir, "run")
	root := filepath.Join(dir, "exports", "acme_q1")
	m, err := manifest.Read(root)
	if err != nil {
		t.Fatal(err)
	}
	if m.BucketDigits == 0 || len(m.Files) < 10 {
		t.Fatalf("bucket_digits %d, %d files: want a bucketed export", m.BucketDigits, len(m.Files))
	}
	for _, f := range m.Files {
		if f.Rows > 2 || f.Bucket == "" || !strings.Contains(f.Path, "part-"+f.Bucket+"-") {
			t.Errorf("file %s: %d rows, bucket %q: want ≤ 2 rows in a file named by its bucket", f.Path, f.Rows, f.Bucket)
		}
	}
	email, key := exportedSubject(t, dir)

	var rep struct {
		Found []struct {
			Kind  string   `json:"kind"`
			Files []string `json:"files"`
		} `json:"found"`
	}
	if err := json.Unmarshal([]byte(mustPipeline(t, dir, "sar", "--email", email, "--format", "json").stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range rep.Found {
		if f.Kind == "export" {
			files = append(files, f.Files...)
		}
	}
	if len(files) != 1 || !manifest.MayHold(files[0], key) {
		t.Fatalf("sar found the subject in %v: want one file of bucket %s", files, key[:m.BucketDigits])
	}
	subjectFile := files[0]

	before := exportFiles(t, root)
	mustPipeline(t, dir, "erase", "--email", email, "--yes")
	after := exportFiles(t, root)
	for p, b := range before {
		a, ok := after[p]
		if p == subjectFile {
			if ok && bytes.Equal(a.bytes, b.bytes) {
				t.Errorf("%s: the subject's file was not rewritten", p)
			}
			continue
		}
		if !ok || !a.mod.Equal(b.mod) || !bytes.Equal(a.bytes, b.bytes) {
			t.Errorf("%s: changed by the erasure of a subject it does not hold", p)
		}
	}
	m2, err := manifest.Read(root)
	if err != nil {
		t.Fatal(err)
	}
	onDisk, err := manifest.Inventory(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	if len(m2.Files) != len(onDisk) || m2.Rows != m.Rows-1 {
		t.Errorf("manifest after erasure: %d files, %d rows; on disk %d files; before %d rows", len(m2.Files), m2.Rows, len(onDisk), m.Rows)
	}
	for i := range onDisk {
		if i < len(m2.Files) && (m2.Files[i].Path != onDisk[i].Path || m2.Files[i].SHA256 != onDisk[i].SHA256) {
			t.Errorf("manifest file %d: %+v, on disk %+v", i, m2.Files[i], onDisk[i])
		}
	}
	if strings.Contains(mustPipeline(t, dir, "sar", "--email", email, "--format", "json").stdout, `"kind": "export"`) {
		t.Error("sar after erasure still finds the subject in an export")
	}
}

// TestSinkWithoutLocateReportedNotSearchable: an export through a sink
// that can neither locate nor erase (the example jsonl plugin's sink) is
// named by sar, erase and restrict as "not searchable: notify the
// recipient", never skipped silently.
func TestSinkWithoutLocateReportedNotSearchable(t *testing.T) {
	plugins := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "pipeline-connector-jsonl"), "./examples/pipeline-connector-jsonl")
	build.Dir = repoRoot(t)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build connector: %v\n%s", err, out)
	}
	t.Setenv("PIPELINE_PLUGIN_DIR", plugins)
	dir := workspace(t)
	p := filepath.Join(dir, "pipeline.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "exports:\n", "exports:\n  crm_feed:\n    campaign: acme-q1\n    columns: [subject_key, email, country]\n"+
		"    sink: {connector: jsonl, options: {path: crm/feed.jsonl}}\n", 1)
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "crm"), 0o700); err != nil {
		t.Fatal(err)
	}
	mustPipeline(t, dir, "run")
	if fb, err := os.ReadFile(filepath.Join(dir, "crm", "feed.jsonl")); err != nil || len(fb) == 0 {
		t.Fatalf("the jsonl sink wrote nothing: %v", err)
	}
	email, _ := exportedSubject(t, dir)

	var rep struct {
		NotSearchable []NotSearchableJSON `json:"not_searchable"`
	}
	if err := json.Unmarshal([]byte(mustPipeline(t, dir, "sar", "--email", email, "--format", "json").stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.NotSearchable) != 1 || rep.NotSearchable[0].Export != "crm_feed" || rep.NotSearchable[0].Connector != "jsonl" ||
		rep.NotSearchable[0].Note != "not searchable: notify the recipient" || rep.NotSearchable[0].Recipient == "" {
		t.Fatalf("sar not_searchable = %+v, want crm_feed (jsonl) with its recipient", rep.NotSearchable)
	}
	const note = "crm_feed (sink jsonl, recipient "
	if out := mustPipeline(t, dir, "sar", "--email", email, "--format", "text").stdout; !strings.Contains(out, "not searchable: notify the recipient") {
		t.Errorf("sar text does not name the unsearchable export:\n%s", out)
	}
	if out := mustPipeline(t, dir, "restrict", "--email", email).stdout; !strings.Contains(out, note) || !strings.Contains(out, "not searchable: notify the recipient") {
		t.Errorf("restrict does not name the unsearchable export:\n%s", out)
	}
	if out := mustPipeline(t, dir, "erase", "--email", email, "--yes").stdout; !strings.Contains(out, note) || !strings.Contains(out, "not searchable: notify the recipient") {
		t.Errorf("erase does not name the unsearchable export:\n%s", out)
	}
}

// NotSearchableJSON is one not_searchable entry of a rights command's JSON.
type NotSearchableJSON struct {
	Export, Connector, Recipient, Note string
}
