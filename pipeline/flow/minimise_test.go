package flow

import (
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/config"
)

// TestGateFreeText: an unknown free-text column is refused (naming how to
// pin it); a pinned one, or an unknown column of short codes, passes.
func TestGateFreeText(t *testing.T) {
	tests := []struct {
		give classifyResult
		want string // "" passes
	}{
		{classifyResult{Category: "unknown", FreeText: true, Method: "name"}, `column "c" is free text the classifier cannot place`},
		{classifyResult{Category: "company.other", Method: "pinned"}, ""},
		{classifyResult{Category: "unknown", Method: "name"}, ""},
	}
	for _, tt := range tests {
		cfg := &config.Config{
			Campaigns:   map[string]*config.Campaign{"k": {Name: "k"}},
			Exports:     map[string]*config.Export{"e": {Name: "e", Campaign: "k", Columns: []string{"c"}}},
			ExportOrder: []string{"e"},
		}
		err := Gate(cfg, func(col string) (classifyResult, bool) { r := tt.give; r.Column = col; return r, true })
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v", tt.give, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "classification.pin")):
			t.Errorf("%+v: %v, want %q", tt.give, err, tt.want)
		}
	}
}

// TestGateDroppedSpecial: a column kept out of prospects as special-category
// is refused by the run's gate as special-category, not as missing.
func TestGateDroppedSpecial(t *testing.T) {
	rn := &run{report: &Report{SpecialDropped: []string{"vendor_people.notes"}}}
	cfg := &config.Config{
		Campaigns:   map[string]*config.Campaign{"k": {Name: "k"}},
		Exports:     map[string]*config.Export{"e": {Name: "e", Campaign: "k", Columns: []string{"notes"}}},
		ExportOrder: []string{"e"},
	}
	err := Gate(cfg, rn.gateCategory(nil))
	if err == nil || !strings.Contains(err.Error(), `column "notes" is special-category data (vendor_people.notes is special-category`) {
		t.Errorf("gate = %v", err)
	}
}
