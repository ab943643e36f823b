package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/audit"
)

// TestRunAnchorsTheAuditHead: a run appends to the audit log (the list
// syncs, the retention purge), so it moves the head anchor like every
// audited command; `audit verify` right after a warehouse's first run
// passes. Before, the first run left entries and no sidecar, and verify
// reported the log as possibly truncated.
func TestRunAnchorsTheAuditHead(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	if _, err := os.Stat(filepath.Join(dir, "state", "warehouse.duckdb.audit-head")); err != nil {
		t.Fatalf("no head anchor after the first run: %v", err)
	}
	if r := pipeline(t, dir, "audit", "verify"); r.code != 0 {
		t.Fatalf("audit verify after a run: exit %d\n%s", r.code, r.stderr)
	}
	mustPipeline(t, dir, "run")
	if r := pipeline(t, dir, "audit", "verify"); r.code != 0 {
		t.Fatalf("audit verify after a second run: exit %d\n%s", r.code, r.stderr)
	}
}

// TestAnchorAfterInterrupt: a command that was interrupted does not open
// its warehouse again to anchor the audit head (that open could wait for
// ever on an instance the interrupted statement kept); it says so, and
// the next command anchors. Without the interrupt it anchors.
func TestAnchorAfterInterrupt(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	wh := filepath.Join(dir, "state", "warehouse.duckdb")
	head := audit.HeadPath(wh)
	if err := os.Remove(head); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stderr bytes.Buffer
	anchorAfter(ctx, &stderr, wh)
	if _, err := os.Stat(head); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("anchored after an interrupt (head file: %v)", err)
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("no warning: %q", stderr.String())
	}
	stderr.Reset()
	anchorAfter(context.Background(), &stderr, wh)
	if _, err := os.Stat(head); err != nil || stderr.Len() != 0 {
		t.Errorf("not anchored without an interrupt: %v, %q", err, stderr.String())
	}
}
