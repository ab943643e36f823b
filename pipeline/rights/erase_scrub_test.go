package rights

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/warehouse"
)

// TestErasureCompactsOnlyWhenNeeded: an erasure rewrites the warehouse
// file when it deleted personal values from it (a rejected line) or when
// something else may have left some in its free blocks (scrub_pending);
// otherwise it leaves the file as it is — and then, as in every case, no
// byte of the subject is left anywhere in the state or the exports.
func TestErasureCompactsOnlyWhenNeeded(t *testing.T) {
	for _, tc := range []struct {
		name    string
		prepare func(t *testing.T, cfg *config.Config)
		rewrite string // "" : the file is not rewritten
	}{
		{"keys only", func(*testing.T, *config.Config) {}, ""},
		{"scrub pending", func(t *testing.T, cfg *config.Config) {
			c, closeFn := openFixture(t, cfg)
			if err := warehouse.MarkScrub(context.Background(), c, warehouse.ScrubRejectsDeleted); err != nil {
				t.Fatal(err)
			}
			closeFn()
		}, warehouse.ScrubRejectsDeleted},
		{"rejected line", func(t *testing.T, cfg *config.Config) {
			c, closeFn := openFixture(t, cfg)
			if _, err := c.ExecContext(context.Background(), `INSERT INTO rejects (run_id, source, file, line, raw_line, rejected_at)
				VALUES ('r', 'vendor_people', 'people.csv', 99, 'Hazel,Dixon,`+fxEmail+`,,', now())`); err != nil {
				t.Fatal(err)
			}
			closeFn()
		}, "rejects: 1 rows deleted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := fixtureRun(t)
			tc.prepare(t, cfg)
			before, err := os.Stat(cfg.Warehouse)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Erase(context.Background(), cfg, fxSubject(t), EraseOptions{Now: func() time.Time { return eraseNow }})
			if err != nil {
				t.Fatal(err)
			}
			after, err := os.Stat(cfg.Warehouse)
			if err != nil {
				t.Fatal(err)
			}
			switch rewritten := !os.SameFile(before, after); {
			case tc.rewrite == "" && (rewritten || !strings.HasPrefix(res.Compaction, "not needed")):
				t.Errorf("the file was rewritten (%v): %q", rewritten, res.Compaction)
			case tc.rewrite != "" && (!rewritten || !strings.Contains(res.Compaction, tc.rewrite)):
				t.Errorf("the file was not rewritten for %q (%v): %q", tc.rewrite, rewritten, res.Compaction)
			}
			assertNoSubjectBytes(t, cfg)
			c, _ := openFixture(t, cfg)
			if why, err := warehouse.ScrubPending(context.Background(), c); err != nil || len(why) != 0 {
				t.Errorf("scrub_pending after the erasure: %v %v", why, err)
			}
		})
	}
}

// TestErasureScrubsAfterACrashBeforeTheJournal: the process dies after the
// tables step committed (the subject's rejected line deleted) but before
// the journal recorded it. The re-run repeats the step, which now deletes
// nothing; the deleted line is still in the file's free blocks, so the
// rewrite must not be skipped: the deletion marked the file in its own
// transaction (scrub_pending).
func TestErasureScrubsAfterACrashBeforeTheJournal(t *testing.T) {
	cfg := fixtureRun(t)
	c, closeFn := openFixture(t, cfg)
	if _, err := c.ExecContext(context.Background(), `INSERT INTO rejects (run_id, source, file, line, raw_line, rejected_at)
		VALUES ('r', 'vendor_people', 'people.csv', 99, 'Hazel,Dixon,`+fxEmail+`,,', now())`); err != nil {
		t.Fatal(err)
	}
	closeFn()
	s := fxSubject(t)
	eraseCrashingAfter(t, cfg, s, StepTables)
	// the journal as the crash left it: the tables step neither done nor counted
	j, err := loadJournal(cfg.Warehouse, s.Key)
	if err != nil || j == nil {
		t.Fatalf("journal %v %v", j, err)
	}
	delete(j.Done, StepTables)
	for k := range j.Counts {
		if strings.HasPrefix(k, "table:") || k == "subject_seen" || k == "rejects" || k == "rectifications" || k == "lineage" {
			delete(j.Counts, k)
		}
	}
	if err := j.save(); err != nil {
		t.Fatal(err)
	}
	res, err := Erase(context.Background(), cfg, s, EraseOptions{Now: func() time.Time { return eraseNow }})
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(res.Compaction, "not needed") {
		t.Errorf("the re-run skipped the rewrite: %q", res.Compaction)
	}
	assertNoSubjectBytes(t, cfg)
}

// TestRejectsOfAnInternationalEmail: the normalised email holds its domain
// in ASCII (IDNA) and its local part in NFC, a rejected line holds it as
// received (Unicode, upper case, decomposed). The SAR finds the line and
// the erasure deletes it (and so rewrites the file).
func TestRejectsOfAnInternationalEmail(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureRun(t)
	c, closeFn := openFixture(t, cfg)
	for i, line := range []string{"Jörg,Bäcker,JÖRG@BÜCHER-LOGISTIK.DE,,", "Jörg,Bäcker,jo\u0308rg@bu\u0308cher-logistik.de,,"} {
		if _, err := c.ExecContext(ctx, `INSERT INTO rejects (run_id, source, file, line, raw_line, rejected_at)
			VALUES ('r', 'vendor_people', 'people.csv', $1, $2, now())`, 90+i, line); err != nil {
			t.Fatal(err)
		}
	}
	s, err := NewSubject("jörg@bücher-logistik.de", "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Find(ctx, c, cfg, s, FindOptions{})
	closeFn()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rejects) != 2 {
		t.Errorf("the SAR found %d rejected lines, want 2", len(f.Rejects))
	}
	res, err := Erase(ctx, cfg, s, EraseOptions{Now: func() time.Time { return eraseNow }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rejects != 2 || strings.HasPrefix(res.Compaction, "not needed") {
		t.Errorf("the erasure deleted %d rejected lines, want 2; warehouse file: %q", res.Rejects, res.Compaction)
	}
}

// TestRejectsByPhoneAndName: a rejected line without the subject's email
// but with their phone (another written form) and their name is theirs:
// the SAR lists it and the erasure deletes it (and rewrites the file); a
// colleague's line with the same switchboard number and another name
// stays.
func TestRejectsByPhoneAndName(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureRun(t)
	c, closeFn := openFixture(t, cfg)
	for i, line := range []string{"Hamza,DIXON,,Head of Marketing,,020 7946 0439 ext,,GB,,extra", "Ann,Smith,,Receptionist,,+44 20 7946 0439,,GB,,extra"} {
		if _, err := c.ExecContext(ctx, `INSERT INTO rejects (run_id, source, file, line, raw_line, rejected_at)
			VALUES ('r', 'vendor_people', 'people.csv', $1, $2, now())`, 90+i, line); err != nil {
			t.Fatal(err)
		}
	}
	f, err := Find(ctx, c, cfg, fxSubject(t), FindOptions{})
	closeFn()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rejects) != 1 || !strings.Contains(fmt.Sprint(f.Rejects[0]["raw_line"]), "DIXON") {
		t.Fatalf("the SAR found %v, want the one line of Hamza Dixon", f.Rejects)
	}
	res, err := Erase(ctx, cfg, fxSubject(t), EraseOptions{Now: func() time.Time { return eraseNow }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rejects != 1 || !strings.Contains(res.Compaction, "rejects") {
		t.Errorf("erased %d rejected lines (want 1); warehouse file: %q", res.Rejects, res.Compaction)
	}
	assertNoSubjectBytes(t, cfg)
	c, _ = openFixture(t, cfg)
	var left string
	if err := c.QueryRowContext(ctx, "SELECT string_agg(raw_line, '|') FROM rejects WHERE line IN (90, 91)").Scan(&left); err != nil || !strings.Contains(left, "Ann,Smith") {
		t.Errorf("lines left %q (%v): the colleague's line must stay", left, err)
	}
}
