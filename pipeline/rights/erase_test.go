package rights

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/connectors/manifest"
	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/warehouse"
)

var eraseNow = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func fxSubject(t *testing.T) Subject {
	t.Helper()
	s, err := NewSubject("  Hdixon@Brightwater-Logistics.Co.Uk", "", "", "")
	if err != nil || s.Key != fxKey {
		t.Fatalf("subject %+v %v", s, err)
	}
	return s
}

func acmeDir(cfg *config.Config) string { return filepath.Join(cfg.Dir, "exports", "acme_q1") }

// warehouseCounts is what the warehouse holds on the fixtures' subject
// and on everyone else, read on a connection of its own.
type warehouseCounts struct {
	Prospects, Deliverable, Raw, Lineage, Others, Tombstones, EraseAudits int
}

func countWarehouse(t *testing.T, cfg *config.Config) warehouseCounts {
	t.Helper()
	c, closeFn := openFixture(t, cfg)
	defer closeFn()
	var w warehouseCounts
	for _, q := range []struct {
		n *int
		q string
	}{
		{&w.Prospects, `SELECT count(*) FROM prospects WHERE subject_key = '` + fxKey + `'`},
		{&w.Deliverable, `SELECT count(*) FROM deliverable WHERE subject_key = '` + fxKey + `'`},
		{&w.Raw, `SELECT (SELECT count(*) FROM raw_vendor_people WHERE pl_email(email) = '` + fxEmail + `')
			+ (SELECT count(*) FROM raw_crm_people WHERE pl_email(email) = '` + fxEmail + `')`},
		{&w.Lineage, `SELECT count(*) FROM lineage WHERE subject_key = '` + fxKey + `'`},
		{&w.Others, `SELECT count(*) FROM prospects WHERE subject_key <> '` + fxKey + `'`},
		{&w.Tombstones, `SELECT count(*) FROM suppression WHERE kind = 'email' AND reason = 'erasure' AND hash = '` + fxKey + `'`},
	} {
		*q.n = countRows(t, c, q.q)
	}
	if err := audit.EnsureTable(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.Verify(context.Background(), c); err != nil {
		t.Errorf("audit log: %v", err)
	}
	entries, err := audit.List(context.Background(), c, fxKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Action == "erase" {
			w.EraseAudits++
		}
	}
	return w
}

// TestEraseExportsAtOnce: right after the erasure, before any run, the
// export files a recipient would read hold every row but the subject's,
// their manifest agrees with them, and the warehouse holds the tombstone
// and nothing else of the subject. A dry run first changes nothing.
func TestEraseExportsAtOnce(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureRun(t)
	s := fxSubject(t)
	before := countWarehouse(t, cfg)
	if before.Prospects != 1 || before.Deliverable != 1 || before.Raw != 2 || before.Lineage != 1 || before.Tombstones != 0 {
		t.Fatalf("before: %+v", before)
	}
	if total, subj := exportRows(t, acmeDir(cfg), fxKey, fxEmail); total != fxExportRows || subj != 1 {
		t.Fatalf("export before: %d rows, %d of the subject", total, subj)
	}
	// the byte search after the erasure (assertNoSubjectBytes) proves
	// something only if the state (the warehouse file and the files
	// beside it) held the subject in clear
	if !stateHolds(t, filepath.Dir(cfg.Warehouse), fxEmail) {
		t.Fatalf("the state holds no clear copy of the subject's email before the erasure: the byte search would prove nothing")
	}

	dry, err := Erase(ctx, cfg, s, EraseOptions{DryRun: true, Now: func() time.Time { return eraseNow }})
	if err != nil {
		t.Fatal(err)
	}
	if !dry.DryRun || dry.Tombstone != "would be added" || len(dry.Files) != 1 || dry.Files[0].Rows != 1 || len(dry.Tables) != 4 || dry.Lineage != 1 {
		t.Errorf("dry run %+v", dry)
	}
	if got := countWarehouse(t, cfg); got != before {
		t.Errorf("the dry run changed the warehouse: %+v, was %+v", got, before)
	}
	if total, subj := exportRows(t, acmeDir(cfg), fxKey, fxEmail); total != fxExportRows || subj != 1 {
		t.Errorf("the dry run changed the export: %d rows, %d of the subject", total, subj)
	}
	if _, err := os.Stat(journalPath(cfg.Warehouse, s.Key)); !os.IsNotExist(err) {
		t.Errorf("the dry run left a journal: %v", err)
	}

	res, err := Erase(ctx, cfg, s, EraseOptions{Now: func() time.Time { return eraseNow }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed || res.Tombstone != "added" || !slices.Equal(res.Steps, Steps) || len(res.Files) != 1 || res.Lineage != 1 ||
		len(res.Notices) != 1 || res.Notices[0].Recipient != "Acme Payroll Ltd" || res.Notices[0].First == "" {
		t.Errorf("erase result %+v", res)
	}

	// the export, read as the recipient would, right now
	total, subj := exportRows(t, acmeDir(cfg), fxKey, fxEmail)
	if total != fxExportRows-1 || subj != 0 {
		t.Errorf("export right after the erasure: %d rows (want %d), %d of the subject (want 0)", total, fxExportRows-1, subj)
	}
	m, err := manifest.Read(acmeDir(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != fxExportRows-1 {
		t.Errorf("manifest rows %d, want %d", m.Rows, fxExportRows-1)
	}
	for _, f := range m.Files {
		d, err := manifest.Describe(filepath.Join(acmeDir(cfg), filepath.FromSlash(f.Path)))
		if err != nil {
			t.Fatal(err)
		}
		if d.Rows != f.Rows || d.SHA256 != f.SHA256 || d.Bytes != f.Bytes {
			t.Errorf("manifest %s: %+v, the file is %+v", f.Path, f, d)
		}
	}

	after := countWarehouse(t, cfg)
	if want := (warehouseCounts{Others: before.Others, Tombstones: 1, EraseAudits: 1}); after != want {
		t.Errorf("warehouse after the erasure: %+v, want %+v", after, want)
	}
	j, err := loadJournal(cfg.Warehouse, s.Key)
	if err != nil || j != nil {
		t.Errorf("the job is not finished: %+v %v", j, err)
	}
	assertNoSubjectBytes(t, cfg)

	// again: nothing left to do, the tombstone already there
	again, err := Erase(ctx, cfg, s, EraseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Resumed || again.Tombstone != "already present" || len(again.Files) != 0 || len(again.Tables) != 0 {
		t.Errorf("second erasure %+v", again)
	}
	if total, _ := exportRows(t, acmeDir(cfg), fxKey, fxEmail); total != fxExportRows-1 {
		t.Errorf("second erasure: export has %d rows", total)
	}
}

// assertNoSubjectBytes: no file under the warehouse's folder or the
// exports holds the subject's email or name (the Parquet export files are
// compressed: exportRows reads those).
// TestWarehouseFileHoldsNoKeyedRows: prospects and deliverable are files
// beside the warehouse (warehouse.StoreKeyed), each subject in their key's
// bucket, private to the pipeline; the warehouse file holds none of their
// values, so the compaction after an erasure does not copy them.
func TestWarehouseFileHoldsNoKeyedRows(t *testing.T) {
	cfg := fixtureRun(t)
	b, err := os.ReadFile(cfg.Warehouse)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bytes.ToLower(b), []byte(fxEmail)) {
		t.Errorf("the warehouse file holds the subject's email in clear")
	}
	for _, table := range []string{"prospects", "deliverable"} {
		dirs, _ := filepath.Glob(filepath.Join(warehouse.RawRoot(cfg.Warehouse), table, "*", warehouse.SeenBucket(fxKey)))
		if len(dirs) != 1 || !stateHolds(t, dirs[0], fxEmail) {
			t.Errorf("%s: the subject's bucket folder %v does not hold them", table, dirs)
		}
		for _, d := range dirs {
			if st, err := os.Stat(d); err != nil || st.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s: %s is readable by others (%v)", table, d, err)
			}
		}
	}
}

// stateHolds reports whether a file under root holds needle (lower-cased).
func stateHolds(t *testing.T, root, needle string) bool {
	t.Helper()
	found := false
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || found {
			return err
		}
		b, err := os.ReadFile(p)
		found = err == nil && bytes.Contains(bytes.ToLower(b), []byte(needle))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func assertNoSubjectBytes(t *testing.T, cfg *config.Config) {
	t.Helper()
	for _, root := range []string{filepath.Dir(cfg.Warehouse), filepath.Join(cfg.Dir, "exports")} {
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			low := bytes.ToLower(b)
			for _, n := range []string{fxEmail, "dixon"} {
				if bytes.Contains(low, []byte(n)) {
					t.Errorf("%s still holds %q", p, n)
				}
			}
			return nil
		})
	}
}

// errCrash stands for the process dying after a step (AfterStep panics
// with it; Erase's deferred closes run as they would not in a real crash,
// which only makes the re-run's life easier for the warehouse handle).
type errCrash struct{ step string }

// eraseCrashingAfter runs Erase and "crashes" right after step is
// recorded in the journal.
func eraseCrashingAfter(t *testing.T, cfg *config.Config, s Subject, step string) {
	t.Helper()
	defer func() {
		r := recover()
		if c, ok := r.(errCrash); !ok || c.step != step {
			t.Fatalf("erase did not stop after %s: recovered %v", step, r)
		}
	}()
	_, err := Erase(context.Background(), cfg, s, EraseOptions{Now: func() time.Time { return eraseNow },
		AfterStep: func(done string) {
			if done == step {
				panic(errCrash{step})
			}
		}})
	t.Fatalf("erase returned (%v) instead of crashing after %s", err, step)
}

// TestEraseResumesAfterACrash stops the erasure after each step: the
// journal (0600, no personal data) says which steps are done, what each
// finished step promised holds at once (the tombstone, the exports), and
// running the erasure again completes the job without repeating it (one
// audit entry, the same job id).
func TestEraseResumesAfterACrash(t *testing.T) {
	for i, step := range Steps {
		t.Run(step, func(t *testing.T) {
			cfg := fixtureRun(t)
			s := fxSubject(t)
			eraseCrashingAfter(t, cfg, s, step)

			p := journalPath(cfg.Warehouse, s.Key)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
				t.Errorf("journal mode %v", st.Mode().Perm())
			}
			if low := strings.ToLower(string(b)); strings.Contains(low, "hdixon") || strings.Contains(low, "dixon") {
				t.Errorf("the journal holds personal data:\n%s", b)
			}
			var j Journal
			if err := json.Unmarshal(b, &j); err != nil {
				t.Fatal(err)
			}
			for k, st := range Steps {
				if _, done := j.Done[st]; done != (k <= i) {
					t.Errorf("after a crash at %s: step %s done = %v", step, st, done)
				}
			}
			if len(j.Files) != 1 || len(j.Notices) != 1 || j.SubjectKey != s.Key {
				t.Errorf("journal %+v", j)
			}
			if step == StepCompact {
				if j.FinishedAt != nil {
					t.Errorf("crashed after compact but the journal is finished")
				}
			}
			if i >= slices.Index(Steps, StepExports) {
				if total, subj := exportRows(t, acmeDir(cfg), fxKey, fxEmail); total != fxExportRows-1 || subj != 0 {
					t.Errorf("after the exports step: %d rows, %d of the subject", total, subj)
				}
			}
			if i >= slices.Index(Steps, StepTombstone) {
				if w := countWarehouse(t, cfg); w.Tombstones != 1 {
					t.Errorf("after the tombstone step: %+v", w)
				}
			}

			res, err := Erase(context.Background(), cfg, s, EraseOptions{Now: func() time.Time { return eraseNow }})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Resumed || res.JobID != j.JobID || !slices.Equal(res.Steps, Steps) || len(res.Notices) != 1 || res.Tombstone != "added" {
				t.Errorf("resumed result %+v", res)
			}
			w := countWarehouse(t, cfg)
			if w.Prospects+w.Deliverable+w.Raw+w.Lineage != 0 || w.Tombstones != 1 || w.EraseAudits != 1 {
				t.Errorf("after the resumed erasure: %+v", w)
			}
			if total, subj := exportRows(t, acmeDir(cfg), fxKey, fxEmail); total != fxExportRows-1 || subj != 0 {
				t.Errorf("after the resumed erasure: export %d rows, %d of the subject", total, subj)
			}
			if j, err := loadJournal(cfg.Warehouse, s.Key); err != nil || j != nil {
				t.Errorf("the job is still open: %+v %v", j, err)
			}
		})
	}
}

// TestEraseDeferCompact: a batch stops each job before the warehouse
// rewrite; the journal stays open (a crash is completed by re-running the
// batch) until Compact and FinishCompacted close it.
func TestEraseDeferCompact(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureRun(t)
	s := fxSubject(t)
	// something to scrub: the erasure alone deletes only keys from the file
	c, closeFn := openFixture(t, cfg)
	if err := warehouse.MarkScrub(ctx, c, warehouse.ScrubRunNotCommitted); err != nil {
		t.Fatal(err)
	}
	closeFn()
	res, err := Erase(ctx, cfg, s, EraseOptions{DeferCompact: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Pending != StepCompact || slices.Contains(res.Steps, StepCompact) || len(res.Steps) != len(Steps)-1 {
		t.Fatalf("deferred result %+v", res)
	}
	if j, err := loadJournal(cfg.Warehouse, s.Key); err != nil || j == nil || j.done(StepCompact) {
		t.Fatalf("journal before compaction: %+v %v", j, err)
	}
	if err := Compact(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if err := FinishCompacted(cfg, s.Key, eraseNow); err != nil {
		t.Fatal(err)
	}
	if j, err := loadJournal(cfg.Warehouse, s.Key); err != nil || j != nil {
		t.Errorf("journal after FinishCompacted: %+v %v", j, err)
	}
	if w := countWarehouse(t, cfg); w.Prospects+w.Raw+w.Lineage != 0 || w.Tombstones != 1 || w.EraseAudits != 1 {
		t.Errorf("warehouse %+v", w)
	}
	assertNoSubjectBytes(t, cfg)
	// no job: nothing to finish
	if err := FinishCompacted(cfg, normalizeKey(t, "nobody@example.com"), eraseNow); err != nil {
		t.Errorf("FinishCompacted without a job: %v", err)
	}
}

func normalizeKey(t *testing.T, email string) string {
	t.Helper()
	s, err := NewSubject(email, "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	return s.Key
}

// TestEraseResultWrite: the erasure's report in text names each change
// and the recipients to notify; in json it reads back the same.
func TestEraseResultWrite(t *testing.T) {
	r := &EraseResult{SubjectKey: fxKey, JobID: "erase-x", Resumed: true, Tombstone: "added",
		Tables:  []TableChange{{Dataset: "prospects", Table: "prospects", Rows: 1}},
		Rejects: 2, Lineage: 3,
		Files:   []PlannedFile{{Export: "acme_q1", Dir: "/e", File: "country=GB/data_0.parquet", Rows: 1}},
		Sinks:   []SinkChange{{Export: "crm", Connector: "postgres", Rows: 4}},
		Notices: []Notice{{Recipient: "Acme Payroll Ltd", Export: "acme_q1", Campaign: "acme-q1", Columns: []string{"email", "country"}, First: "2026-01-01", Last: "2026-02-01"}},
	}
	var text bytes.Buffer
	if err := r.Write(&text, "text"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Erasure of subject " + fxKey + " (job erase-x, resumed): done", "tombstone: added",
		"table prospects: erased 1 rows", "rejects: erased 2 lines", "lineage: erased 3 entries",
		"export acme_q1 file " + filepath.Join("/e", "country=GB/data_0.parquet") + ": rewritten without the subject (1 rows)",
		"sink crm (postgres): erased 4 rows", "Acme Payroll Ltd (no contact recorded: add recipient.contact in pipeline.yaml) — export acme_q1 (campaign acme-q1), columns email, country, sent 2026-01-01 … 2026-02-01"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	r.DryRun, r.Notices = true, nil
	text.Reset()
	if err := r.Write(&text, "text"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DRY RUN — nothing changed", "would erase 1 rows", "would be rewritten without the subject", "none — the subject's data was never exported"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("dry-run text lacks %q:\n%s", want, text.String())
		}
	}
	var js bytes.Buffer
	if err := r.Write(&js, "json"); err != nil {
		t.Fatal(err)
	}
	var back EraseResult
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.SubjectKey != r.SubjectKey || !back.DryRun || back.Rejects != 2 || len(back.Files) != 1 || back.Sinks[0].Rows != 4 {
		t.Errorf("json read back %+v", back)
	}
}
