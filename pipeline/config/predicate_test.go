package config

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/engine/enginetest"
)

// TestPredicatePositions: a refused predicate is reported at the line and
// column of the offending construct, in plain, quoted and block scalars,
// and the message never holds more than the predicate's own names.
func TestPredicatePositions(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"plain", "  companies: employees >= (SELECT 50)\n", `f.yaml:22:27: targeting.companies: a subquery`},
		{"double quoted", "  companies: \"employees >= (SELECT 50)\"\n", `f.yaml:22:28: targeting.companies: a subquery`},
		{"single quoted", "  companies: 'EXISTS (TABLE \"/any/file.csv\")'\n", `f.yaml:22:15: targeting.companies: a subquery`},
		{"function", "  companies: \"length(read_text('/etc/passwd')) > 0\"\n", `f.yaml:22:22: targeting.companies: function "read_text" is not allowed`},
		{"block", "  companies: |\n    country = 'GB'\n    AND (VALUES (1)) = 1\n", `f.yaml:24:`},
		{"pivot", "  companies: \"CAST((PIVOT (UNPIVOT \\\"people_crm.csv\\\" ON COLUMNS(*)) ON name) AS INTEGER) = 1\"\n", `f.yaml:22:15: targeting.companies: must be one scalar expression`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(base+"targeting:\n"+tt.yaml), noEnv)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v\nwant %q", err, tt.want)
			}
		})
	}
	if _, err := Parse("f.yaml", []byte(base+"targeting:\n  companies: \"country IN ('GB','IE') AND lower(industry) LIKE 'fin%'\"\n"), noEnv); err != nil {
		t.Fatalf("a good predicate was refused: %v", err)
	}
}

// TestCheckTargetingDeferred: LoadDeferred's config leaves the predicate
// to CheckTargeting, which reports on a connection of the caller's exactly
// what Parse reports, and nothing for a good predicate.
func TestCheckTargetingDeferred(t *testing.T) {
	ctx, c := context.Background(), enginetest.Conn(t)
	for _, pred := range []string{"  companies: employees >= (SELECT 50)\n", "  companies: \"length(read_text('/etc/passwd')) > 0\"\n",
		"  companies: |\n    country = 'GB'\n    AND (VALUES (1)) = 1\n", "  companies: \"country = 'GB' AND (\"\n",
		"  companies: \"country IN ('GB','IE') AND employees >= 50\"\n"} {
		data := []byte(base + "targeting:\n" + pred)
		_, want := Parse("f.yaml", data, noEnv)
		cfg, err := parse("f.yaml", data, noEnv, true)
		if err != nil {
			t.Fatalf("%q: deferred: %v", pred, err)
		}
		got := cfg.CheckTargeting(ctx, c)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: CheckTargeting %v, Parse %v", pred, got, want)
		}
		var ds Diagnostics
		if want != nil && !errors.As(got, &ds) {
			t.Errorf("%q: CheckTargeting's error is not Diagnostics: %T", pred, got)
		}
	}
}
