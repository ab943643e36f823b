package flow

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/normalize"
)

// TestListSyncSkipsUnchanged: a run leaves a suppression list whose
// files, settings and store entries are as the last sync left them, and
// says so. A line added to a list's file, an edit that keeps the file's
// size, a store entry removed behind the list's back and a changed reason
// each sync that list again, and only that one. The export is the same
// throughout.
func TestListSyncSkipsUnchanged(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureConfig(t)
	r := &Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop()}
	run := func() (*Report, map[string]string) {
		t.Helper()
		rep, err := r.Run(ctx, Options{})
		if err != nil || rep.Status != "succeeded" || len(rep.Exports) != 1 || rep.Exports[0].Rows != 42 {
			t.Fatalf("run: %v, %+v", err, rep)
		}
		notes := map[string]string{}
		for _, s := range rep.Stages {
			if s.Stage == StageStage {
				notes[s.Step] = s.Note
			}
		}
		return rep, notes
	}
	store := func() string {
		t.Helper()
		db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var s string
		if err := db.QueryRowContext(ctx, `SELECT string_agg(e, E'\n' ORDER BY e) FROM (
			SELECT source || ' ' || kind || ' ' || hash || ' ' || reason AS e FROM suppression)`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	exec := func(q string) {
		t.Helper()
		db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	lists := []string{"unsubscribes", "suppressed_hashed", "blocked_domains", "ctps"}
	synced := func(notes map[string]string, want ...string) {
		t.Helper()
		for _, l := range lists {
			hashed := strings.HasPrefix(notes[l], "hashed in ") || strings.Contains(notes[l], "; hashed in ")
			unchanged := strings.HasPrefix(notes[l], "unchanged since run ")
			wantHashed := strings.Contains(" "+strings.Join(want, " ")+" ", " "+l+" ")
			if hashed != wantHashed || unchanged == wantHashed {
				t.Errorf("%s: note %q; want hashed %v", l, notes[l], wantHashed)
			}
		}
	}

	first, notes := run()
	synced(notes, lists...)
	before := store()

	_, notes = run()
	synced(notes)
	if !strings.Contains(notes["ctps"], first.RunID) {
		t.Errorf("ctps note %q does not name the run that synced it (%s)", notes["ctps"], first.RunID)
	}
	if after := store(); after != before {
		t.Errorf("the store changed on a run that synced nothing:\n%s\nwas\n%s", after, before)
	}

	// a new unsubscribe: that list only
	f, err := os.OpenFile(filepath.Join(cfg.Dir, "fixtures", "unsubscribes.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "New.Person@Example.org")
	f.Close()
	_, notes = run()
	synced(notes, "unsubscribes")
	if s := store(); !strings.Contains(s, "unsubscribes email "+normalize.Hash("new.person@example.org")+" unsubscribe") {
		t.Error("the new unsubscribe is not in the store")
	}

	// an edit that keeps the file's size
	path := filepath.Join(cfg.Dir, "fixtures", "unsubscribes.csv")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), "New.Person@", "New.Persan@", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, notes = run()
	synced(notes, "unsubscribes")
	// unsubscribes are sticky (suppress.StickyReasons): the edit adds the
	// new one and keeps the old, since a line leaving a file is no withdrawal
	if s := store(); !strings.Contains(s, normalize.Hash("new.persan@example.org")) || !strings.Contains(s, normalize.Hash("new.person@example.org")) {
		t.Error("the edited unsubscribe did not add the new one and keep the old one in the store")
	}
	before = store()

	// an entry removed from the store behind the list's back comes back
	exec("DELETE FROM suppression WHERE rowid = (SELECT min(rowid) FROM suppression WHERE source = 'ctps')")
	_, notes = run()
	synced(notes, "ctps")
	if after := store(); after != before {
		t.Errorf("ctps was not restored:\n%s\nwant\n%s", after, before)
	}

	// a new reason for a list: its entries take it
	cfg.Sources["blocked_domains"].Reason = "complaint"
	_, notes = run()
	synced(notes, "blocked_domains")
	if s := store(); strings.Contains(s, " client_dnc") || !strings.Contains(s, "blocked_domains domain") {
		t.Errorf("blocked_domains entries did not take the new reason:\n%s", s)
	}
}
