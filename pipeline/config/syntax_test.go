package config

import "testing"

func TestSyntaxErrorLines(t *testing.T) {
	// yaml.v3 reports where the broken collection starts (or end of input).
	tests := []struct {
		give string
		want string
	}{
		{"a: 1\nname: [t\nc: 2\n", "f.yaml:2:1: invalid YAML: did not find expected ',' or ']'"},
		{"a: 1\nb: {x: 1\nc: 2\n", "f.yaml:2:1: invalid YAML: did not find expected ',' or '}'"},
		{"name: [t\n", "f.yaml:2:1: invalid YAML: did not find expected ',' or ']'"},
		{"a: 1\nb: 2\n c: 3\n", "f.yaml:3:1: invalid YAML: mapping values are not allowed in this context"},
		{"a: 1\n\tb: 2\n", "f.yaml:2:1: invalid YAML: found a tab character that violates indentation"},
		{"a: 1\nb:\n  - x\n  c: 2\n", "f.yaml:3:1: invalid YAML: did not find expected '-' indicator"},
		{"a: 1\n---\nb: 2\n", "f.yaml:3:1: only one YAML document is allowed"},
		{"# nothing\n", "f.yaml:1:1: config is empty"},
		{"- a\n- b\n", "f.yaml:1:1: the config must be a mapping of keys (version, name, sources, ...), not a list"},
	}
	for _, tt := range tests {
		_, err := Parse("f.yaml", []byte(tt.give), noEnv)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) = %v, want %s", tt.give, err, tt.want)
		}
	}
}
