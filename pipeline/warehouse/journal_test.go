package warehouse

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/example/pipeline/connectors/manifest"
	"github.com/example/pipeline/connectors/parquet"
	"github.com/example/pipeline/pipeline/engine"
)

// TestRecoverRuns: the journal of a run whose process died is settled by
// the next EnsureSchema: an export in place (its manifest names the run)
// is kept, the other is rolled back (staging removed, the previous export
// put back, its lineage deleted), and the run is marked crashed.
func TestRecoverRuns(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	wh := filepath.Join(dir, "state", "w.duckdb")
	const run = "20260101T000000Z-aaaaaa"
	mkdir := func(p string, manifestRun string) {
		t.Helper()
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
		if manifestRun != "" {
			if err := manifest.Write(p, &manifest.Manifest{Metadata: map[string]string{"run_id": manifestRun}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	done := filepath.Join(dir, "exports", "done")
	_, _, doneOld := parquet.SwapPaths(done, run)
	mkdir(done, run)
	mkdir(doneOld, "earlier")
	undone := filepath.Join(dir, "exports", "undone")
	_, undoneStaging, undoneOld := parquet.SwapPaths(undone, run)
	mkdir(undoneStaging, "")
	mkdir(undoneOld, "earlier") // moved aside, then the process died

	db, err := engine.Open(ctx, engine.Settings{Path: wh})
	if err != nil {
		t.Fatal(err)
	}
	if err := EnsureSchema(ctx, db); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"INSERT INTO runs (run_id, status, started_at) VALUES ('" + run + "', 'running', now())",
		"INSERT INTO lineage VALUES ('" + run + "', 'done', 'c', 'r', 'd', 'f', 'k', now()), ('" + run + "', 'undone', 'c', 'r', 'd', 'f', 'k', now())",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	j := Journal{RunID: run, PID: 999999, Started: time.Now(), Exports: []JournalExport{
		{Export: "done", Dir: done}, {Export: "undone", Dir: undone, Staging: undoneStaging}},
		path: filepath.Join(JournalDir(wh), run+".json")}
	if err := j.Save(); err != nil {
		t.Fatal(err)
	}
	if err := EnsureSchema(ctx, db); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{doneOld, undoneStaging, undoneOld, j.path} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is left", p)
		}
	}
	if m, err := manifest.Read(undone); err != nil || m.Metadata["run_id"] != "earlier" {
		t.Errorf("the previous export was not put back: %v %v", m, err)
	}
	var exports []byte
	if err := db.QueryRowContext(ctx, "SELECT to_json(list(export ORDER BY export))::VARCHAR FROM lineage").Scan(&exports); err != nil {
		t.Fatal(err)
	}
	var got []string
	_ = json.Unmarshal(exports, &got)
	if len(got) != 1 || got[0] != "done" {
		t.Errorf("lineage exports = %v; want [done]", got)
	}
	var status, msg string
	if err := db.QueryRowContext(ctx, "SELECT status, error FROM runs WHERE run_id = $1", run).Scan(&status, &msg); err != nil {
		t.Fatal(err)
	}
	if status != "crashed" {
		t.Errorf("status = %q (%s); want crashed", status, msg)
	}
	db.Close()
}
