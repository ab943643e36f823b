package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestMutantsFindTheirLines: every mutant's line is in its file exactly
// once, and its package folder exists, so that `make test` (not only a
// later `make mutate`) notices when the code a mutant breaks has moved.
func TestMutantsFindTheirLines(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, m := range mutants {
		t.Run(m.Name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(root, m.File))
			if err != nil {
				t.Fatal(err)
			}
			if n := bytes.Count(b, []byte(m.From)); n != 1 {
				t.Errorf("%s holds the mutant's line %d times, want 1: update scripts/mutate's list", m.File, n)
			}
			if m.From == m.To {
				t.Errorf("the mutant changes nothing")
			}
			if st, err := os.Stat(filepath.Join(root, m.Pkg)); err != nil || !st.IsDir() {
				t.Errorf("package %s: %v", m.Pkg, err)
			}
		})
	}
}
