package parquet

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestReplaceable(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, files map[string]string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
		for f, body := range files {
			if err := os.WriteFile(filepath.Join(p, f), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	ours := mk("ours", map[string]string{ManifestName: `{"metadata": {"run_id": "r1"}, "rows": 0, "files": []}`})
	project := mk("project", map[string]string{"pipeline.yaml": "version: 1\n"})
	forged := mk("forged", map[string]string{ManifestName: `{"metadata": {}}`})
	empty := mk("empty", nil)
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(ours, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		give string
		ok   bool
	}{
		{filepath.Join(dir, "missing"), true},
		{empty, true},
		{ours, true},
		{project, false},
		{forged, false},
		{file, false},
		{link, false},
	}
	for _, tt := range tests {
		err := Replaceable(tt.give)
		if tt.ok != (err == nil) || err != nil && !errors.Is(err, ErrNotOurs) {
			t.Errorf("Replaceable(%s) = %v; want ok %v", filepath.Base(tt.give), err, tt.ok)
		}
	}
	// a swap onto the project folder leaves it as it was
	staging := mk(".project.staging-r2", map[string]string{"part-0.parquet": "x"})
	if err := Swap(staging, project, filepath.Join(dir, ".project.old-r2")); !errors.Is(err, ErrNotOurs) {
		t.Fatalf("Swap onto a folder pipeline did not write: %v; want ErrNotOurs", err)
	}
	if _, err := os.Stat(filepath.Join(project, "pipeline.yaml")); err != nil {
		t.Errorf("the project lost pipeline.yaml: %v", err)
	}
}
