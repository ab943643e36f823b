package engine

import (
	"context"
	"strings"
	"testing"
)

// TestStagedSubjects: while a collection is on, pl_stage_email keeps the
// subject_key of every row it buckets and of no other (invalid, missing,
// erased); pl_staged_subjects serves exactly those keys, one per row, as
// SQL's sha256(pl_email(...)) gives them, on two threads over many
// chunks. A stopped collection is not kept, a source never collected is
// an error, and once a collection ends pl_stage_email adds nothing to it.
func TestStagedSubjects(t *testing.T) {
	ctx := context.Background()
	db, c := testConn(t, Settings{Threads: 2})
	// 60000 rows: every 5th invalid, every 7th NULL, every 11th the erased
	// subject, and the rest with duplicates (i % 20000)
	if _, err := c.ExecContext(ctx, `CREATE TEMP TABLE v AS SELECT i, CASE
		WHEN i % 7 = 0 THEN NULL
		WHEN i % 5 = 0 THEN 'not an email ' || i
		WHEN i % 11 = 0 THEN ' Gone.Person@Example.com '
		ELSE 'Person.' || (i % 20000) || '@Example.com' END AS e
		FROM range(60000) t(i)`); err != nil {
		t.Fatal(err)
	}
	var gone string
	if err := c.QueryRowContext(ctx, "SELECT sha256(pl_email('gone.person@example.com'))").Scan(&gone); err != nil {
		t.Fatal(err)
	}
	if err := db.SetErasedEmails([]string{gone}); err != nil {
		t.Fatal(err)
	}
	stage := func() {
		t.Helper()
		var n int64
		if err := c.QueryRowContext(ctx, "SELECT count(pl_stage_email(e, '16')) FROM v").Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	db.CollectSubjects()
	stage()
	db.EndSubjects("people")
	db.CollectSubjects()
	stage()
	db.StopSubjects()

	const want = `SELECT sha256(pl_email(e)) AS k FROM v WHERE pl_email(e) IS NOT NULL AND sha256(pl_email(e)) <> $1`
	const got = `SELECT subject_key AS k FROM pl_staged_subjects('people')`
	diff := func() (int64, int64) {
		t.Helper()
		var missing, extra, rows int64
		for q, dst := range map[string]*int64{
			"SELECT count(*) FROM (" + want + " EXCEPT ALL " + got + ")": &missing,
			"SELECT count(*) FROM (" + got + " EXCEPT ALL " + want + ")": &extra,
			"SELECT count(*) FROM (" + got + ")":                         &rows,
		} {
			if err := c.QueryRowContext(ctx, q, gone).Scan(dst); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if missing != 0 || extra != 0 {
			t.Errorf("pl_staged_subjects: %d keys missing, %d extra (%d rows)", missing, extra, rows)
		}
		return rows, missing + extra
	}
	rows, _ := diff()
	if rows < 20000 {
		t.Fatalf("only %d keys kept", rows)
	}
	stage() // the collection has ended: nothing is added
	if n, _ := diff(); n != rows {
		t.Errorf("after the collection ended: %d keys, want %d", n, rows)
	}
	for _, source := range []string{"never", ""} {
		var n int64
		err := c.QueryRowContext(ctx, "SELECT count(*) FROM pl_staged_subjects($1)", source).Scan(&n)
		if err == nil || !strings.Contains(err.Error(), "not staged by this run") {
			t.Errorf("pl_staged_subjects(%q): %v, want an error", source, err)
		}
	}
	db.ForgetSubjects()
	var n int64
	if err := c.QueryRowContext(ctx, got).Scan(&n); err == nil {
		t.Error("pl_staged_subjects served a source after ForgetSubjects")
	}
}
