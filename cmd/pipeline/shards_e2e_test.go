package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/example/pipeline/fixtures/gen"
)

// TestShardedRun runs the same project unsharded and as 4 shards, the 4
// as processes at once, then commits the sharded run; on the fixtures and
// on a small generated set. The union of the shards' exports is the
// unsharded run's rows, in one folder with one manifest; a SAR and an
// erasure on the sharded deployment give the unsharded answer; a second
// sharded run with one shard interrupted and one never run is refused by
// commit-run, naming both, and leaves the previous exports byte for byte;
// rerunning those two shards lets the commit through.
func TestShardedRun(t *testing.T) {
	t.Run("fixtures", func(t *testing.T) {
		unsharded, sharded := workspace(t), workspace(t)
		for _, d := range []string{unsharded, sharded} {
			for _, row := range []string{twiceRow1, hopElsewhere, hopStranger} {
				appendLine(t, d, "people.csv", row)
			}
		}
		shardedPair(t, unsharded, sharded)
		// the identity hop across shards: the subject's row at
		// northwind-payroll.co.uk (shard 0 of 4) leads by its phone to
		// their email-less row at tregenza-consulting.co.uk (shard 3)
		hop := sarFound(t, sharded, twiceEmail)
		if want := sarFound(t, unsharded, twiceEmail); hop != want || !strings.Contains(want, "tregenza-consulting") || strings.Contains(want, "Quillfeather") {
			t.Fatalf("sharded SAR through the hop found:\n%s\nunsharded:\n%s", hop, want)
		}
		if got, want := eraseAnswer(t, sharded, twiceEmail), eraseAnswer(t, unsharded, twiceEmail); got != want || !strings.Contains(want, `"rows":2`) {
			t.Fatalf("sharded erasure through the hop:\n%s\nunsharded:\n%s", got, want)
		}
		const email = "fiona.holmes@northwind-payroll.co.uk"
		if got, want := sarFound(t, sharded, email), sarFound(t, unsharded, email); got != want || !strings.Contains(want, "acme_q1") {
			t.Fatalf("sharded SAR found:\n%s\nunsharded:\n%s", got, want)
		}
		if got, want := eraseAnswer(t, sharded, email), eraseAnswer(t, unsharded, email); got != want || !strings.Contains(want, `"tombstone":"added"`) {
			t.Fatalf("sharded erasure:\n%s\nunsharded:\n%s", got, want)
		}
		if got, want := exportRows(t, sharded), exportRows(t, unsharded); strings.Join(got, "\n") != strings.Join(want, "\n") || strings.Contains(strings.Join(got, ""), email) {
			t.Fatalf("after the erasure, sharded export:\n%s\nunsharded:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if got, want := sarFound(t, sharded, email), sarFound(t, unsharded, email); got != want {
			t.Fatalf("after the erasure, sharded SAR found:\n%s\nunsharded:\n%s", got, want)
		}
		rectifyEverywhere(t, sharded)
		failedShard(t, sharded)
		missingShardWarehouse(t, sharded, email)
	})
	t.Run("generated", func(t *testing.T) {
		unsharded, sharded := t.TempDir(), t.TempDir()
		for _, d := range []string{unsharded, sharded} {
			if err := gen.Generate(context.Background(), gen.Options{People: 3000, Seed: 11, Out: d}); err != nil {
				t.Fatal(err)
			}
		}
		shardedPair(t, unsharded, sharded)
	})
}

// Rows of the hop across shards (with twiceRow1, rights_stick_hop_e2e_test.go):
// the same person at another company, whose domain hashes to another shard
// of 4, reached only through their phone; and a stranger on that number.
const (
	hopElsewhere = "Morwenna,Tregenza,,Consultant,tregenza-consulting.co.uk,020 7946 0561,,GB,"
	hopStranger  = "Pat,Quillfeather,,Consultant,tregenza-consulting.co.uk,020 7946 0561,,GB,"
)

// shardedPair runs unsharded in one folder and 4 shards at once in the
// other, commits, and checks the exports hold the same rows.
func shardedPair(t *testing.T, unsharded, sharded string) {
	t.Helper()
	mustPipeline(t, unsharded, "run")
	runShards(t, sharded, "r1", 0, 1, 2, 3)
	out := mustPipeline(t, sharded, "commit-run", "r1").stdout
	if !strings.Contains(out, "swapped in") {
		t.Fatalf("commit-run r1: %s", out)
	}
	want, got := exportRows(t, unsharded), exportRows(t, sharded)
	if len(want) == 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("sharded export (%d rows) is not the unsharded one (%d rows):\n%s\n--\n%s", len(got), len(want), strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var m struct {
		Rows     int64             `json:"rows"`
		Metadata map[string]string `json:"metadata"`
		Files    []struct{ Path string }
	}
	b, err := os.ReadFile(filepath.Join(sharded, "exports", "acme_q1", "_manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Rows != int64(len(want)) || m.Metadata["shards"] != "4" || m.Metadata["sharded_run_id"] != "r1" {
		t.Fatalf("manifest: rows %d (want %d), metadata %v", m.Rows, len(want), m.Metadata)
	}
	if parts, _ := filepath.Glob(filepath.Join(sharded, "exports", ".acme_q1.parts-*")); len(parts) != 0 {
		t.Fatalf("parts folders left after the commit: %v", parts)
	}
}

// runShards starts the given shards of 4 of run runID at once and waits
// for every one to succeed.
func runShards(t *testing.T, dir, runID string, shards ...int) {
	t.Helper()
	var cs []*child
	for _, i := range shards {
		cs = append(cs, startChild(t, dir, nil, "run", "--shard", fmt.Sprintf("%d/4", i), "--run-id", runID))
	}
	for i, c := range cs {
		if err := c.wait(t); err != nil {
			t.Fatalf("shard %d/4: %v\n%s", shards[i], err, c.stderr)
		}
	}
}

// failedShard: run r2 with shard 2 interrupted and shard 3 never run is
// refused by commit-run (exit 1, both named) and leaves the exports as
// they were; once both shards have run, the commit goes through.
func failedShard(t *testing.T, dir string) {
	t.Helper()
	manifest := filepath.Join(dir, "exports", "acme_q1", "_manifest.json")
	before, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	rowsBefore := exportRows(t, dir)
	held := startChild(t, dir, []string{"PIPELINE_TEST_HOLD_BEFORE=export"}, "run", "--shard", "2/4", "--run-id", "r2")
	runShards(t, dir, "r2", 0, 1)
	held.waitStderr(t, "holding before stage export")
	if err := held.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := held.wait(t); err == nil {
		t.Fatal("the interrupted shard exited 0")
	}
	r := pipeline(t, dir, "commit-run", "r2")
	if r.code != 1 || !strings.Contains(r.stderr, "shard-2-of-4 failed") || !strings.Contains(r.stderr, "shard-3-of-4 missing") {
		t.Fatalf("commit-run r2 with a failed and a missing shard: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	after, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) || strings.Join(exportRows(t, dir), "\n") != strings.Join(rowsBefore, "\n") {
		t.Fatal("a refused commit changed the exports")
	}
	runShards(t, dir, "r2", 2, 3)
	mustPipeline(t, dir, "commit-run", "r2")
	if got := exportRows(t, dir); strings.Join(got, "\n") != strings.Join(rowsBefore, "\n") {
		t.Fatalf("r2 committed other rows than r1 left:\n%s\n--\n%s", strings.Join(got, "\n"), strings.Join(rowsBefore, "\n"))
	}
	// an erasure while a sharded run waits for its other shards removes
	// the part files written so far (they may hold the subject)
	runShards(t, dir, "r3", 0)
	parts := filepath.Join(dir, "exports", ".acme_q1.parts-r3")
	if _, err := os.Stat(parts); err != nil {
		t.Fatal(err)
	}
	mustPipeline(t, dir, "erase", "--email", "someone.else@example.org", "--yes")
	if _, err := os.Stat(parts); !os.IsNotExist(err) {
		t.Fatalf("the uncommitted part files outlived an erasure: %v", err)
	}
}

// exportRows are the rows of the acme_q1 export, each as JSON, sorted.
func exportRows(t *testing.T, dir string) []string {
	t.Helper()
	db := openDB(t, "")
	rows := queryStrings(t, db, `SELECT CAST(to_json(x) AS VARCHAR) FROM read_parquet($1, hive_partitioning = true) x`,
		filepath.Join(dir, "exports", "acme_q1", "**", "*.parquet"))
	sort.Strings(rows)
	return rows
}

// sarFound is a SAR's records as held (dataset, kind, rows), without
// what differs between two runs (run ids, load times, the audit log).
func sarFound(t *testing.T, dir, email string) string {
	t.Helper()
	var rep struct {
		Found []struct {
			Dataset string           `json:"dataset"`
			Kind    string           `json:"kind"`
			Rows    []map[string]any `json:"rows"`
		} `json:"found"`
		Recipients []struct{ Recipient, Export string } `json:"recipients"`
	}
	out := mustPipeline(t, dir, "sar", "--email", email).stdout
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("sar: %v\n%s", err, out)
	}
	var lines []string
	for _, f := range rep.Found {
		if f.Kind == "audit" {
			continue
		}
		for _, r := range f.Rows {
			for _, k := range []string{"_run_id", "_loaded_at", "added_at"} {
				delete(r, k)
			}
			b, _ := json.Marshal(r)
			lines = append(lines, f.Dataset+" "+f.Kind+" "+string(b))
		}
	}
	sort.Strings(lines)
	b, _ := json.Marshal(rep.Recipients)
	return strings.Join(lines, "\n") + "\nrecipients " + string(b)
}

// eraseAnswer is erase --yes's JSON answer without the job's own ids and
// times.
func eraseAnswer(t *testing.T, dir, email string) string {
	t.Helper()
	out := mustPipeline(t, dir, "erase", "--email", email, "--yes", "--format", "json").stdout
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("erase: %v\n%s", err, out)
	}
	for _, k := range []string{"job_id", "journal", "steps_done"} {
		delete(res, k)
	}
	if files, ok := res["files"].([]any); ok {
		for _, f := range files {
			delete(f.(map[string]any), "dir")
		}
	}
	if ns, ok := res["notify"].([]any); ok {
		for _, n := range ns {
			delete(n.(map[string]any), "first_sent")
			delete(n.(map[string]any), "last_sent")
		}
	}
	b, _ := json.Marshal(res)
	return string(b)
}

// missingShardWarehouse: with one shard's warehouse gone, sar and erase
// refuse (exit 1, naming it) instead of answering "nothing held".
func missingShardWarehouse(t *testing.T, dir, email string) {
	t.Helper()
	wh := filepath.Join(dir, "state", "warehouse.duckdb.shard-1-of-4")
	if err := os.Rename(wh, wh+".away"); err != nil {
		t.Fatal(err)
	}
	defer os.Rename(wh+".away", wh)
	for _, args := range [][]string{{"sar", "--email", email}, {"erase", "--email", email, "--dry-run"}} {
		r := pipeline(t, dir, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "shard-1-of-4 is missing") || strings.Contains(r.stdout, "subject_key") {
			t.Fatalf("%v with a shard warehouse missing: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

// rectifyEverywhere: a correction of a subject one shard holds is
// recorded in every shard (a later run may stage them in another); one
// of a subject no shard holds fails (exit 1) and is recorded nowhere.
func rectifyEverywhere(t *testing.T, dir string) {
	t.Helper()
	held, nobody := "sarah.okafor@northwind-payroll.co.uk", "nobody.at.all@nowhere.example"
	mustPipeline(t, dir, "rectify", "--email", held, "--set", "job_title=Chief Financial Officer", "--yes")
	if r := pipeline(t, dir, "rectify", "--email", nobody, "--set", "job_title=CFO", "--yes"); r.code != 1 || !strings.Contains(r.stderr, "nothing is held") {
		t.Fatalf("rectify of a subject no shard holds: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for i := 0; i < 4; i++ {
		db := openDB(t, filepath.Join(dir, "state", fmt.Sprintf("warehouse.duckdb.shard-%d-of-4", i)))
		got := queryStrings(t, db, `SELECT count(*) FILTER (WHERE value = 'Chief Financial Officer') || '/' || count(*) FROM rectifications`)
		db.Close()
		if len(got) != 1 || got[0] != "1/1" {
			t.Errorf("shard %d of 4 holds corrections %v, want the one correction (1/1)", i, got)
		}
	}
}
