package config

import (
	"reflect"
	"testing"
)

func TestPredicateProblems(t *testing.T) {
	tests := []struct {
		give string
		want []string
	}{
		{"country IN ('GB','IE') AND employees >= 50", nil},
		{"name ILIKE '%select%' OR name = 'it''s; -- /* fine'", nil},
		{`"from" = 1 AND "select count" > 2`, nil},
		{"lower(industry) = 'fintech' AND employees BETWEEN 50 AND 5000", nil},
		{"industry IS NOT NULL AND settled = true AND offset_x > 1", nil},
		{"domain IN (SELECT domain FROM t)", []string{`"SELECT" is not allowed`, `"FROM" is not allowed`}},
		{"1=1; DROP TABLE x", []string{`";" is not allowed`, `"DROP" is not allowed`}},
		{"1=1 -- comment", []string{`"--" is not allowed`}},
		{"1=1 /* c */", []string{`"/*" is not allowed`}},
		{"x = getenv('HOME')", []string{`"getenv" is not allowed`}},
		{`x = "GetEnv"('HOME')`, []string{`"GetEnv" is not allowed`}},
		{"exists(from read_csv_auto('x'))", []string{`"from" is not allowed`, `"read_csv_auto" is not allowed`}},
		{"len(read_json_objects('x')) > 0 or len(glob('*')) > 0", []string{`"read_json_objects" is not allowed`, `"glob" is not allowed`}},
		{"x in (1) union all (2)", []string{`"union" is not allowed`}},
		{"with_flag = 1 and set_id = 2", nil},
		{"x = $1", []string{`"$" is not allowed`}},
		{"x = $$'$$; drop table t; --'", []string{`"$" is not allowed`}}, // dollar quoting is refused outright
		{`x = E'\''; select 1 --'`, []string{`";" is not allowed`, `"select" is not allowed`, `"--" is not allowed`, "unterminated string literal"}},
		{"name = 'open", []string{"unterminated string literal"}},
		{`"open = 1`, []string{"unterminated quoted identifier"}},
		{"1select", []string{`"select" is not allowed`}},
	}
	for _, tt := range tests {
		if got := predicateProblems(tt.give); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("predicateProblems(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
	if err := CheckPredicate("a = 1; b"); err == nil || err.Error() != `";" is not allowed; `+pureExprMsg {
		t.Errorf("CheckPredicate = %v", err)
	}
}
