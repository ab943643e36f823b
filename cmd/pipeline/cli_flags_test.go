package main

import (
	"bytes"
	"io"
	"os"
	"slices"
	"testing"
)

// TestLongDashes: one dash before a long flag name reads as two (the Go
// flag spellings scripts may use); shorthands, values, arguments and
// everything after "--" are left alone.
func TestLongDashes(t *testing.T) {
	fs, _ := newFlags("run", nil)
	fs.String("until", "", "")
	fs.IntP("n", "n", 0, "")
	fs.Bool("x", false, "")
	tests := []struct{ give, want []string }{
		{[]string{"-until", "export"}, []string{"--until", "export"}},
		{[]string{"-log-format=json"}, []string{"--log-format=json"}},
		{[]string{"-f", "a.yaml", "-n", "3"}, []string{"-f", "a.yaml", "-n", "3"}},
		{[]string{"-x"}, []string{"--x"}},
		{[]string{"--until", "-1", "-nope"}, []string{"--until", "-1", "-nope"}},
		{[]string{"--", "-until"}, []string{"--", "-until"}},
	}
	for _, tt := range tests {
		if got := longDashes(fs, tt.give); !slices.Equal(got, tt.want) {
			t.Errorf("longDashes(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

// TestIsTerminal: /dev/null is a character device but no terminal (a
// scheduler's usual stderr): no progress bar, JSON logs. A pipe and a
// writer that is no file are no terminal either.
func TestIsTerminal(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, out := range map[string]io.Writer{"/dev/null": null, "a pipe": w, "a buffer": &bytes.Buffer{}} {
		if isTerminal(out) {
			t.Errorf("%s taken for a terminal", name)
		}
	}
}
