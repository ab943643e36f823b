package main

import (
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
