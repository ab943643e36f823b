package rights

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/connectors/manifest"
	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/flow"
)

func TestParseCorrection(t *testing.T) {
	tests := []struct {
		give      string
		want      Correction
		badColumn string // a *ColumnError naming this column
		bad       bool   // ErrBadCorrection
	}{
		{give: `job_title= Finance Director `, want: Correction{"job_title", "Finance Director"}},
		{give: `phone=020 7946 0123`, want: Correction{"phone", "+442079460123"}},
		{give: `phone=`, want: Correction{"phone", ""}},
		{give: `linkedin_url=https://www.linkedin.com/in/someone`, want: Correction{"linkedin_url", "https://www.linkedin.com/in/someone"}},
		{give: `email=new@example.com`, badColumn: "email"},
		{give: `department=finance`, badColumn: "department"},
		{give: `company_domain=x.com`, badColumn: "company_domain"},
		{give: `_source=x`, badColumn: "_source"},
		{give: `shoe_size=9`, badColumn: "shoe_size"},
		{give: `someone@example.com=x`, badColumn: "COLUMN"}, // never echoed
		{give: `job_title`, bad: true},
		{give: `phone=not a number`, bad: true},
		{give: `linkedin_url=nothing`, bad: true},
		{give: "job_title=Finance\nDirector", bad: true},
		{give: "first_name=" + strings.Repeat("a", maxCorrection+1), bad: true},
	}
	for _, tt := range tests {
		got, err := ParseCorrection(tt.give)
		var ce *ColumnError
		switch {
		case tt.badColumn != "":
			if !errors.As(err, &ce) || ce.Column != tt.badColumn {
				t.Errorf("%q: error %v, want a column error naming %s", tt.give, err, tt.badColumn)
			}
			if strings.Contains(err.Error(), "@") {
				t.Errorf("%q: the message echoes the input: %v", tt.give, err)
			}
		case tt.bad:
			if !errors.Is(err, ErrBadCorrection) {
				t.Errorf("%q: error %v, want ErrBadCorrection", tt.give, err)
			}
		case err != nil || got != tt.want:
			t.Errorf("%q: got %+v, %v; want %+v", tt.give, got, err, tt.want)
		}
	}
	if err := CheckCorrections([]Correction{{"job_title", "a"}, {"job_title", "b"}}); !errors.Is(err, ErrBadCorrection) {
		t.Errorf("a column set twice: %v", err)
	}
}

// subjectExport reads the subject's row of the acme_q1 export (a column
// list of the export) and checks every manifest entry against its file.
func subjectExport(t *testing.T, cfg *config.Config, cols string) []string {
	t.Helper()
	dir := cfg.Exports["acme_q1"].Sink.Options["dir"].(string)
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(cfg.Dir, dir)
	}
	m, err := manifest.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Files {
		d, err := manifest.Describe(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil || d.SHA256 != f.SHA256 || d.Rows != f.Rows {
			t.Errorf("manifest entry %s does not match its file (%v)", f.Path, err)
		}
	}
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out string
	err = db.QueryRowContext(ctx, "SELECT concat_ws('|', "+cols+") FROM read_parquet($1, hive_partitioning = false) WHERE subject_key = $2",
		filepath.Join(dir, "**", "*.parquet"), fxKey).Scan(&out)
	if err != nil {
		return nil
	}
	return strings.Split(out, "|")
}

// TestRectifyCorrectsAtOnceAndStays: the correction is recorded, the
// current export's row carries it at once (manifest updated), the audit
// entry names columns and recipients but no value, a re-run records
// nothing new, and the next run applies it again over the vendor's value.
func TestRectifyCorrectsAtOnceAndStays(t *testing.T) {
	cfg := fixtureRun(t)
	ctx := context.Background()
	s, _ := NewSubject(fxEmail, "", "", "")
	set := []Correction{{"job_title", "Marketing Director"}, {"last_name", "Dixon-Reyes"}}
	res, err := Rectify(ctx, cfg, s, set, RectifyOptions{Request: "REQ-0007", Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) == 0 || len(res.Notices) == 0 || res.LeftRoles || strings.Join(res.Recorded, ",") != "job_title,last_name" {
		t.Errorf("result %+v", res)
	}
	if got := subjectExport(t, cfg, "job_title, last_name"); strings.Join(got, "|") != "Marketing Director|Dixon-Reyes" {
		t.Errorf("export row after rectify: %v", got)
	}
	if total, _ := exportRows(t, filepath.Join(cfg.Dir, "exports", "acme_q1"), fxKey, fxEmail); total != fxExportRows {
		t.Errorf("export holds %d rows, want %d", total, fxExportRows)
	}
	c, closeFn := openFixture(t, cfg)
	recs, err := Corrections(ctx, c, fxKey)
	if err != nil || len(recs) != 2 || recs[0].Request != "REQ-0007" {
		t.Errorf("recorded corrections %+v, %v", recs, err)
	}
	entries, err := audit.List(ctx, c, fxKey)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range entries {
		if e.Action == "rectify" {
			found = true
			b, _ := json.Marshal(e.Details)
			d := strings.ToLower(string(b))
			if strings.Contains(d, "marketing director") || strings.Contains(d, "dixon-reyes") || strings.Contains(d, "hdixon") || !strings.Contains(d, "acme payroll ltd") {
				t.Errorf("audit details %s", d)
			}
		}
	}
	if !found {
		t.Error("no rectify audit entry")
	}
	closeFn()
	again, err := Rectify(ctx, cfg, s, set, RectifyOptions{Log: zerolog.Nop()})
	if err != nil || len(again.Recorded) != 0 {
		t.Errorf("re-run: recorded %v, %v", again, err)
	}

	// the next run: the vendor still says Head of Marketing
	r := &flow.Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop()}
	if _, err := r.Run(ctx, flow.Options{}); err != nil {
		t.Fatal(err)
	}
	if got := subjectExport(t, cfg, "job_title, last_name"); strings.Join(got, "|") != "Marketing Director|Dixon-Reyes" {
		t.Errorf("export row after the next run: %v", got)
	}
	c, _ = openFixture(t, cfg)
	var title, sen string
	if err := c.QueryRowContext(ctx, "SELECT job_title, seniority FROM prospects WHERE subject_key = $1", fxKey).Scan(&title, &sen); err != nil || title != "Marketing Director" || sen != "director" {
		t.Errorf("prospects after the next run: %q %q %v", title, sen, err)
	}
}

// TestRectifyOutOfRoles: a corrected job title outside targeting.roles
// takes the subject out of the export and prospects at once, and the next
// run does not bring them back.
func TestRectifyOutOfRoles(t *testing.T) {
	cfg := fixtureRun(t)
	ctx := context.Background()
	s, _ := NewSubject(fxEmail, "", "", "")
	res, err := Rectify(ctx, cfg, s, []Correction{{"job_title", "Marketing Intern"}}, RectifyOptions{Log: zerolog.Nop()})
	if err != nil || !res.LeftRoles {
		t.Fatalf("%+v %v", res, err)
	}
	dir := filepath.Join(cfg.Dir, "exports", "acme_q1")
	if total, n := exportRows(t, dir, fxKey, fxEmail); n != 0 || total != fxExportRows-1 {
		t.Errorf("export after rectify: %d rows, %d of the subject", total, n)
	}
	r := &flow.Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop()}
	if _, err := r.Run(ctx, flow.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, n := exportRows(t, dir, fxKey, fxEmail); n != 0 {
		t.Errorf("the next run exported the subject again (%d rows)", n)
	}
}

// TestRectifyNotHeldRecordsNothing: fail closed for an address held
// nowhere; erasure removes the corrections with the rest.
func TestRectifyNotHeldRecordsNothing(t *testing.T) {
	cfg := fixtureRun(t)
	ctx := context.Background()
	nobody, _ := NewSubject("nobody@nowhere-ltd.co.uk", "", "", "")
	if _, err := Rectify(ctx, cfg, nobody, []Correction{{"job_title", "CFO"}}, RectifyOptions{Log: zerolog.Nop()}); !errors.Is(err, ErrNotHeld) {
		t.Fatalf("not held: %v", err)
	}
	s, _ := NewSubject(fxEmail, "", "", "")
	// acme_q1 carries no phone: no file to rewrite, no recipient to tell
	res, err := Rectify(ctx, cfg, s, []Correction{{"phone", "+442079460123"}}, RectifyOptions{Log: zerolog.Nop(), DryRun: true})
	if err != nil || len(res.Files) != 0 || len(res.Notices) != 0 || len(res.Tables) != 2 {
		t.Errorf("a phone correction: files %v, notify %v, tables %v, %v", res.Files, res.Notices, res.Tables, err)
	}
	if _, err := Rectify(ctx, cfg, s, []Correction{{"first_name", "Hamzah"}}, RectifyOptions{Log: zerolog.Nop()}); err != nil {
		t.Fatal(err)
	}
	c, closeFn := openFixture(t, cfg)
	var n int
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM rectifications").Scan(&n); err != nil || n != 1 {
		t.Fatalf("rectifications: %d rows, %v (want only the held subject's)", n, err)
	}
	closeFn()
	if _, err := Erase(ctx, cfg, s, EraseOptions{Log: zerolog.Nop()}); err != nil {
		t.Fatal(err)
	}
	c, _ = openFixture(t, cfg)
	if recs, err := Corrections(ctx, c, fxKey); err != nil || len(recs) != 0 {
		t.Errorf("after erasure the corrections are still there: %d, %v", len(recs), err)
	}
}
