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
