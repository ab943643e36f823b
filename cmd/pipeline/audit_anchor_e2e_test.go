package main

import (
	"os"
	"path/filepath"
	"testing"
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
