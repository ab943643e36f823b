package warehouse

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/config"
)

// TestOpenModes: Run fails at once while another process holds the lock,
// Privacy waits for it (saying so once), ReadOnly changes nothing, and a
// Run that discards a warehouse it created leaves no file behind.
func TestOpenModes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := &config.Config{Warehouse: filepath.Join(dir, "state", "w.duckdb")}

	lk, err := TryLock(cfg.Warehouse, "another run")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, cfg, Run, "pipeline run", nil); !errors.Is(err, ErrBusy) {
		t.Fatalf("Run while locked: err = %v, want ErrBusy", err)
	}
	var notify bytes.Buffer
	wctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	_, err = Open(wctx, cfg, Privacy, "pipeline sar", &notify)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(notify.String(), "another run") {
		t.Fatalf("Privacy while locked: err = %v, notify %q; want it to wait, naming the holder", err, notify.String())
	}
	lk.Unlock()

	w, err := Open(ctx, cfg, Run, "pipeline run", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.DiscardNew()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{cfg.Warehouse, cfg.Warehouse + ".wal", RawRoot(cfg.Warehouse)} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s left by a discarded Run", p)
		}
	}

	w, err = Open(ctx, cfg, Privacy, "pipeline sar", nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := w.DB.QueryRowContext(ctx, "SELECT count(*) FROM runs").Scan(&n); err != nil {
		t.Fatalf("Privacy: schema not ensured: %v", err)
	}
	w.Close()

	w, err = Open(ctx, cfg, ReadOnly, "pipeline catalog", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.DB.ExecContext(ctx, "CREATE TABLE x (a INT)"); err == nil {
		t.Error("ReadOnly: a write succeeded")
	}
	if _, err := TryLock(cfg.Warehouse, "x"); !errors.Is(err, ErrBusy) {
		t.Errorf("ReadOnly does not hold the lock: %v", err)
	}
}
