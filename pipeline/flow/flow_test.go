package flow

import (
	"reflect"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/config"
	sqlfs "github.com/example/pipeline/sql"
)

func TestMapColumns(t *testing.T) {
	tests := []struct {
		name    string
		mapping map[string]string
		cols    []string
		want    []column
		wantErr string
	}{
		{"identity", nil, []string{"email", "notes"}, []column{{"email", "email"}, {"notes", "notes"}}, ""},
		{"rename", map[string]string{"email": "Work Email"}, []string{"Work Email", "x"}, []column{{"Work Email", "email"}, {"x", "x"}}, ""},
		{"shadowed canonical", map[string]string{"email": "Work Email"}, []string{"Work Email", "email"}, []column{{"Work Email", "email"}, {"email", "email_src"}}, ""},
		{"provenance clash", nil, []string{"_source"}, nil, `column "_source": names beginning with _ are the pipeline's own`},
		{"internal column", nil, []string{"email", "_bucket"}, nil, `column "_bucket": names beginning with _`},
		{"internal column mapped away", map[string]string{"bucket": "_bucket"}, []string{"_bucket"}, []column{{"_bucket", "bucket"}}, ""},
		{"missing", map[string]string{"email": "Mail"}, []string{"a"}, nil, `no column "Mail"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mapColumns("s", &config.Source{Map: tt.mapping}, tt.cols)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestTitleRules(t *testing.T) {
	rules, err := sqlfs.TitleRules()
	if err != nil || len(rules) < 10 {
		t.Fatalf("rules = %d, %v", len(rules), err)
	}
	for _, r := range rules {
		if !contains(config.Departments, r.Value) && !contains(config.Seniorities, r.Value) {
			t.Errorf("rule value %q is neither a department nor a seniority", r.Value)
		}
	}
}

func TestGate(t *testing.T) {
	cfg := &config.Config{
		Campaigns:   map[string]*config.Campaign{"c": {Name: "c"}},
		Exports:     map[string]*config.Export{"e": {Name: "e", Campaign: "c", Columns: []string{"email", "phone", "notes", "mystery", "company_name"}}},
		ExportOrder: []string{"e"},
	}
	cats := map[string]string{"email": "contact.email", "phone": "contact.phone", "notes": "special_category", "mystery": "unknown", "company_name": "company.name"}
	err := Gate(cfg, func(col string) (classifyResult, bool) {
		r := classifyResult{Column: col, Category: cats[col], Personal: col == "email" || col == "phone" || col == "notes", LooksPersonal: col == "mystery"}
		return r, true
	})
	ge, ok := err.(*GateError)
	if !ok || len(ge.Problems) != 3 {
		t.Fatalf("gate = %v", err)
	}
	for i, want := range []string{`"phone" is contact.phone`, `"notes" is special-category`, `"mystery" is unclassified`} {
		if !strings.Contains(ge.Problems[i], want) {
			t.Errorf("problem %d = %q, want %q", i, ge.Problems[i], want)
		}
	}
}
