package flow

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/connect"
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
	scan := &scanSQL{Probe: csvScan(nil, [2]string{}), Params: params{"path": []string{path}}}
	outer := NewPool(connect.InProcess{})
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
	alone := &run{Runner: &Runner{Connectors: NewPool(connect.InProcess{})}}
	write("email,phonX\na@b.com,1\n", t0.Add(2*time.Second))
	if got := cols(alone); got != "email,phonX" {
		t.Fatalf("separate pool: %s", got)
	}
}

// TestProbeClaim: while one caller works out a probe, a second caller of
// the same key waits, then takes the stored answer; when the first stored
// nothing (a failed sniff), the second works it out itself; other keys
// never wait; an interrupted wait lets the caller work.
//
// cached is called under pr.mu just before claim looks for a caller at
// work, so its call by the second caller is the moment that caller is
// committed to wait (the first caller's release takes pr.mu too): the
// test waits for that call, not for time.
func TestProbeClaim(t *testing.T) {
	pr := &probes{m: map[string]probed{}}
	answer := map[string]string{}
	looked := make(chan string, 16) // each call of cached, by key
	cached := func(key string) func() bool {
		return func() bool {
			looked <- key
			_, ok := answer[key]
			return ok
		}
	}
	ctx := context.Background()
	// claim claims key as the first caller; second starts a second
	// caller in the background and returns once it is committed to wait.
	got := make(chan func(), 1)
	claim := func(ctx context.Context, key string) func() {
		r := pr.claim(ctx, key, cached(key))
		<-looked
		return r
	}
	second := func(ctx context.Context, key string) {
		go func() { got <- pr.claim(ctx, key, cached(key)) }()
		if k := <-looked; k != key {
			t.Fatalf("looked up %q, want %q", k, key)
		}
	}

	first := claim(ctx, "a")
	if first == nil {
		t.Fatal("first claim of a: want to work, got a cache hit")
	}
	if other := claim(ctx, "b"); other == nil {
		t.Fatal("claim of b: want to work")
	} else {
		other() // b does not wait for a
	}
	second(ctx, "a")
	pr.mu.Lock()
	answer["a"] = "stored"
	pr.mu.Unlock()
	first()
	// a second caller that had not waited would have been let work
	if r := <-got; r != nil {
		t.Fatal("second claim of a after the answer was stored: want a cache hit")
	}
	<-looked // its second look, which found the answer

	// the first stores nothing: the waiting caller works it out
	first = claim(ctx, "c")
	second(ctx, "c")
	first()
	if r := <-got; r == nil {
		t.Fatal("claim of c after a failed first: want to work, got a hit")
	} else {
		r()
	}
	<-looked

	// an interrupted wait
	first = claim(ctx, "d")
	cctx, cancel := context.WithCancel(ctx)
	second(cctx, "d")
	cancel()
	if r := <-got; r == nil {
		t.Fatal("interrupted claim of d: want a (no-op) release")
	}
	first()
	if len(pr.busy) != 0 {
		t.Errorf("busy keys left behind: %v", pr.busy)
	}
}
