package engine

import "testing"

func TestStatements(t *testing.T) {
	tests := []struct {
		give string
		want int
	}{
		{"SELECT 1;", 1},
		{"-- only a comment\n", 0},
		{"CREATE TABLE a (x INT);\n-- c\nINSERT INTO a VALUES (1);\n", 2},
		{"SELECT ';' AS x\nFROM t;", 1},
	}
	for _, tt := range tests {
		if got := Statements(tt.give); len(got) != tt.want {
			t.Errorf("Statements(%q) = %d %q, want %d", tt.give, len(got), got, tt.want)
		}
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ give, want string }{
		{"people", `"people"`},
		{`we"ird`, `"we""ird"`},
		{"raw people", `"raw people"`},
	}
	for _, tt := range tests {
		if got := Quote(tt.give); got != tt.want {
			t.Errorf("Quote(%q) = %s, want %s", tt.give, got, tt.want)
		}
	}
}
