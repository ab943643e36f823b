package audit_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/engine"
)

func open(t *testing.T) *engine.DB {
	t.Helper()
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Path: filepath.Join(t.TempDir(), "w.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := audit.EnsureTable(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := audit.EnsureTable(ctx, db); err != nil {
		t.Fatalf("EnsureTable twice: %v", err)
	}
	return db
}

func appendN(t *testing.T, db audit.Execer, n int) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	for i := 0; i < n; i++ {
		e, err := audit.Append(context.Background(), db, audit.Entry{
			Actor: "dpo@test", Action: "suppress.add",
			SubjectKey: strings.Repeat(string(rune('a'+i)), 64),
			Details:    map[string]any{"reason": "unsubscribe", "count": i, "lists": []string{"x", "y"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func TestAppendVerify(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	if n, err := audit.Verify(ctx, db); err != nil || n != 0 {
		t.Fatalf("empty log: n=%d err=%v", n, err)
	}
	got := appendN(t, db, 3)
	for i, e := range got {
		if e.Seq != int64(i+1) {
			t.Errorf("entry %d: seq %d", i, e.Seq)
		}
		if i > 0 && e.PrevHash != got[i-1].Hash {
			t.Errorf("entry %d: prev_hash not chained", i)
		}
		if len(e.Hash) != 64 || e.At.IsZero() || e.At.Location() != time.UTC {
			t.Errorf("entry %d: hash %q at %v", i, e.Hash, e.At)
		}
	}
	n, err := audit.Verify(ctx, db)
	if err != nil || n != 3 {
		t.Fatalf("Verify: n=%d err=%v", n, err)
	}
	all, err := audit.List(ctx, db, "")
	if err != nil || len(all) != 3 {
		t.Fatalf("List all: %d %v", len(all), err)
	}
	if all[1].Hash != got[1].Hash || !all[1].At.Equal(got[1].At) || all[1].Details["reason"] != "unsubscribe" {
		t.Errorf("List round trip: %+v vs %+v", all[1], got[1])
	}
	one, err := audit.List(ctx, db, got[2].SubjectKey)
	if err != nil || len(one) != 1 || one[0].Seq != 3 {
		t.Fatalf("List subject: %+v %v", one, err)
	}
}

func TestAppendInTx(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	appendN(t, db, 1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.Append(ctx, tx, audit.Entry{Action: "restrict", SubjectKey: "k"}); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	if n, err := audit.Verify(ctx, db); err != nil || n != 1 {
		t.Fatalf("after rollback: n=%d err=%v", n, err)
	}
	e, err := audit.Append(ctx, db, audit.Entry{Action: "restrict", SubjectKey: "k"})
	if err != nil || e.Seq != 2 || e.Actor == "" {
		t.Fatalf("append after rollback: %+v %v", e, err)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want string
	}{
		{"edited details", `UPDATE audit_log SET details = replace(details, 'unsubscribe', 'objection') WHERE seq = 3`, "seq 3 edited"},
		{"edited actor", `UPDATE audit_log SET actor = 'someone@else' WHERE seq = 2`, "seq 2 edited"},
		{"deleted middle", `DELETE FROM audit_log WHERE seq = 2`, "seq 2 missing"},
		{"deleted first", `DELETE FROM audit_log WHERE seq = 1`, "seq 1 missing"},
		{"reordered", `UPDATE audit_log SET seq = CASE seq WHEN 2 THEN 3 ELSE 2 END WHERE seq IN (2, 3)`, "seq 2 edited"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := open(t)
			appendN(t, db, 4)
			if _, err := db.ExecContext(ctx, tt.sql); err != nil {
				t.Fatal(err)
			}
			_, err := audit.Verify(ctx, db)
			if !errors.Is(err, audit.ErrTampered) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Verify = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestVerifyDetectsRechainedRow(t *testing.T) {
	// A row replaced by a self-consistent forgery still breaks the link
	// to the next entry.
	ctx := context.Background()
	db := open(t)
	appendN(t, db, 3)
	if _, err := db.ExecContext(ctx, `UPDATE audit_log SET hash = repeat('0', 64) WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	_, err := audit.Verify(ctx, db)
	if err == nil || !strings.Contains(err.Error(), "seq 2") {
		t.Fatalf("Verify = %v", err)
	}
}

func TestActor(t *testing.T) {
	t.Setenv("PIPELINE_ACTOR", "dpo@example.com")
	if got := audit.Actor(); got != "dpo@example.com" {
		t.Errorf("Actor = %q", got)
	}
	t.Setenv("PIPELINE_ACTOR", "")
	t.Setenv("USER", "alice")
	if got := audit.Actor(); !strings.HasPrefix(got, "alice@") {
		t.Errorf("Actor = %q", got)
	}
}
