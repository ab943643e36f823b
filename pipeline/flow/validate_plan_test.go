package flow

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/connect"
)

// TestValidatePlanFollowsTheRun: Validate's plan is the stage list run
// by the recording executor, so it reads as a run executes: the lookup
// tables, the sources in a transaction of their own, enrichment's
// working tables between the transactions, then every stage's part of
// the run's transaction in list order, and COMMIT. No statement carries
// a value read from the sources.
func TestValidatePlanFollowsTheRun(t *testing.T) {
	cfg := fixtureConfig(t)
	plan, err := Validate(context.Background(), cfg, connect.InProcess{})
	if err != nil {
		t.Fatal(err)
	}
	var shape []string
	for _, s := range plan {
		k := s.Stage
		if s.Template == "" {
			k = s.SQL
		}
		if len(shape) == 0 || shape[len(shape)-1] != k {
			shape = append(shape, k)
		}
	}
	want := []string{"", "BEGIN TRANSACTION", StageStage, "COMMIT", StageEnrich, "BEGIN TRANSACTION",
		StageStage, StageEnrich, StageSuppress, StageClassify, StageExport, "COMMIT"}
	if !slices.Equal(shape, want) {
		t.Errorf("plan shape\n got %q\nwant %q", shape, want)
	}
	templates := map[string]bool{}
	for _, s := range plan {
		templates[s.Template] = true
	}
	for _, tmpl := range []string{"reference_tables.sql", "stage_table.sql", "enrich_people.sql", "suppress_merge.sql",
		"enrich_publish.sql", "suppress_deliverable.sql", "catalog_add.sql", "export_copy.sql"} {
		if !templates[tmpl] {
			t.Errorf("plan has no sql/%s", tmpl)
		}
	}
	people, err := os.ReadFile(filepath.Join(cfg.Dir, "fixtures", "people.csv"))
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Split(strings.Split(string(people), "\n")[1], ",")
	for _, s := range plan {
		for _, v := range line[:3] { // first name, last name, email
			if v != "" && strings.Contains(s.SQL, v) {
				t.Errorf("sql/%s of the plan holds a value of the sources (%q)", s.Template, v)
			}
		}
	}
}
