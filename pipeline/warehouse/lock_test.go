package warehouse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "precious.csv")
	if err := os.WriteFile(victim, []byte("keep me\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	wh := filepath.Join(dir, "w.duckdb")
	if err := os.Symlink(victim, wh+".lock"); err != nil {
		t.Fatal(err)
	}
	lk, err := TryLock(wh, "test")
	if err == nil {
		lk.Unlock()
		t.Fatal("TryLock through a symbolic link: want an error")
	}
	if !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("error = %v; want it to name the symbolic link", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me\n" {
		t.Errorf("the link's target was changed: %q", b)
	}
}
