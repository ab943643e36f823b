package flow

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestScanColumns: a scan's columns are probed once per pool chain (a pool
// over a pool shares them) while its file is unchanged, and probed again
// when the file's size or modification time changes.
func TestScanColumns(t *testing.T) {
	ctx := context.Background()
	c := memConn(t, 1)
	path := filepath.Join(t.TempDir(), "people.csv")
	write := func(body string, mod time.Time) {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	write("email,phone\na@b.com,1\n", t0)
	scan := &scanSQL{Probe: "read_csv($path, all_varchar = true)", Params: params{"path": []string{path}}}
	outer := NewPool(InProcess{})
	validation := &run{Runner: &Runner{Connectors: NewPool(outer)}}
	theRun := &run{Runner: &Runner{Connectors: NewPool(outer)}}
	cols := func(rn *run) string {
		got, err := rn.scanColumns(ctx, c, "people", scan)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, ",")
	}
	if got := cols(validation); got != "email,phone" {
		t.Fatalf("first probe: %s", got)
	}
	// same size and time, other header: the run is answered from the
	// probe validation made (which is how it avoids sniffing again)
	write("email,phonX\na@b.com,1\n", t0)
	if got := cols(theRun); got != "email,phone" {
		t.Fatalf("unchanged stamp: %s (want the remembered columns)", got)
	}
	// a changed file is probed again
	write("email,phone,name\na@b.com,1,x\n", t0.Add(time.Second))
	if got := cols(theRun); got != "email,phone,name" {
		t.Fatalf("changed file: %s", got)
	}
	// a pool of its own shares nothing
	alone := &run{Runner: &Runner{Connectors: NewPool(InProcess{})}}
	write("email,phonX\na@b.com,1\n", t0.Add(2*time.Second))
	if got := cols(alone); got != "email,phonX" {
		t.Fatalf("separate pool: %s", got)
	}
}

// TestProbeClaim: while one caller works out a probe, a second caller of
// the same key waits, then takes the stored answer; when the first stored
// nothing (a failed sniff), the second works it out itself; other keys
// never wait; an interrupted wait lets the caller work.
func TestProbeClaim(t *testing.T) {
	pr := &probes{m: map[string]probed{}}
	answer := map[string]string{}
	cached := func(key string) func() bool {
		return func() bool { _, ok := answer[key]; return ok }
	}
	ctx := context.Background()

	first := pr.claim(ctx, "a", cached("a"))
	if first == nil {
		t.Fatal("first claim of a: want to work, got a cache hit")
	}
	if other := pr.claim(ctx, "b", cached("b")); other == nil {
		t.Fatal("claim of b: want to work")
	} else {
		other() // b does not wait for a
	}
	got := make(chan func(), 1)
	go func() { got <- pr.claim(ctx, "a", cached("a")) }()
	select {
	case <-got:
		t.Fatal("second claim of a returned while the first was working")
	case <-time.After(50 * time.Millisecond):
	}
	pr.mu.Lock()
	answer["a"] = "stored"
	pr.mu.Unlock()
	first()
	if r := <-got; r != nil {
		t.Fatal("second claim of a after the answer was stored: want a cache hit")
	}

	// the first stores nothing: the waiting caller works it out
	first = pr.claim(ctx, "c", cached("c"))
	go func() { got <- pr.claim(ctx, "c", cached("c")) }()
	time.Sleep(20 * time.Millisecond)
	first()
	if r := <-got; r == nil {
		t.Fatal("claim of c after a failed first: want to work, got a hit")
	} else {
		r()
	}

	// an interrupted wait
	first = pr.claim(ctx, "d", cached("d"))
	cctx, cancel := context.WithCancel(ctx)
	go func() { got <- pr.claim(cctx, "d", cached("d")) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if r := <-got; r == nil {
		t.Fatal("interrupted claim of d: want a (no-op) release")
	}
	first()
	if len(pr.busy) != 0 {
		t.Errorf("busy keys left behind: %v", pr.busy)
	}
}
