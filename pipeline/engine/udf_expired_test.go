package engine

import (
	"context"
	"database/sql"
	"testing"
)

// TestStageExpired: a subject given to SetExpiredEmails is answered
// 'expired' by pl_stage_email (any written form) and by pl_stage_erased
// (on a derived email), counted by Expired, not by Refused; a tombstone
// wins over expiry; an empty set lets them through again.
func TestStageExpired(t *testing.T) {
	ctx := context.Background()
	db, c := testConn(t, Settings{Threads: 1})
	var old, gone string
	if err := c.QueryRowContext(ctx, "SELECT sha256(pl_email('old@example.com')), sha256(pl_email('gone@example.com'))").Scan(&old, &gone); err != nil {
		t.Fatal(err)
	}
	if err := db.SetExpiredEmails([]string{old, gone}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetErasedEmails([]string{gone}); err != nil {
		t.Fatal(err)
	}
	q := func(query, arg string) string {
		var s sql.NullString
		if err := c.QueryRowContext(ctx, query, arg).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s.String
	}
	exp0, ref0 := db.Expired(), db.Refused()
	for raw, want := range map[string]string{" OLD@example.com": Expired, "gone@example.com": Erased} {
		if got := q("SELECT pl_stage_email($1, '16')", raw); got != want {
			t.Errorf("pl_stage_email(%q) = %q, want %q", raw, got, want)
		}
	}
	if got := q("SELECT pl_stage_erased($1)", "x@example.net old@example.com"); got != Expired {
		t.Errorf("pl_stage_erased on a derived email = %q, want %q", got, Expired)
	}
	if e, r := db.Expired()-exp0, db.Refused()-ref0; e != 2 || r != 1 {
		t.Errorf("counted %d expired, %d refused; want 2 and 1", e, r)
	}
	if err := db.SetExpiredEmails(nil); err != nil {
		t.Fatal(err)
	}
	if got := q("SELECT pl_stage_email($1, '16')", "old@example.com"); got == Expired || got == "" {
		t.Errorf("after the set is emptied: %q, want its bucket", got)
	}
	if err := db.SetExpiredEmails([]string{"not-hex"}); err == nil {
		t.Error("a key that is not a hex SHA-256 was accepted")
	}
}
