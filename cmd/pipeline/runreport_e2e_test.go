package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/flow"
)

// TestRunReportHTML: run --report-html writes the run's page (and a 0600
// copy beside the warehouse); headless Chromium lays it out with the
// funnel's bars carrying the run's own counts and one bar per
// suppression list; the page holds no personal data. A screenshot goes
// to the test artifacts.
func TestRunReportHTML(t *testing.T) {
	dir := workspace(t)
	out := filepath.Join(dir, "run.html")
	r := mustPipeline(t, dir, "run", "--report-html", out, "--format", "json")
	var rep flow.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, "state", "warehouse.duckdb.reports", rep.RunID+".html")
	for _, p := range []string{out, copyPath} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", p, st.Mode().Perm())
		}
	}
	if b, _ := os.ReadFile(copyPath); string(b) != string(page) {
		t.Errorf("the state folder copy differs from --report-html's page")
	}
	// no personal data: no email address, no name from the fixtures
	for _, bad := range []string{"@", sarEmail, "<script", "http://", "https://"} {
		if strings.Contains(string(page), bad) {
			t.Errorf("page holds %q", bad)
		}
	}

	dom := chromiumDOM(t, out, "run-report.png")
	// the funnel, from the run's own report
	stage := func(st, step string) flow.StageRow {
		for _, s := range rep.Stages {
			if s.Stage == st && s.Step == step {
				return s
			}
		}
		t.Fatalf("report has no %s/%s", st, step)
		return flow.StageRow{}
	}
	var exported int64
	for _, e := range rep.Exports {
		exported += e.Rows
	}
	funnel := []struct {
		step string
		n    int64
	}{
		{"companies", stage("enrich", "target companies").RowsIn},
		{"targeted", stage("enrich", "target companies").RowsOut},
		{"people", stage("enrich", "prospects").RowsIn},
		{"prospects", stage("enrich", "prospects").RowsOut},
		{"deliverable", stage("suppress", "deliverable").RowsOut},
		{"exported", exported},
	}
	for _, f := range funnel {
		if f.n == 0 {
			t.Fatalf("fixture run with no %s: the check would prove nothing", f.step)
		}
		re := regexp.MustCompile(fmt.Sprintf(`(?s)<g class="funnel-step" data-step="%s" data-count="%d">.*?<rect class="funnel-bar"[^>]* width="([0-9]+)"`, f.step, f.n))
		m := re.FindStringSubmatch(dom)
		if m == nil {
			t.Errorf("no funnel bar %s with count %d in the rendered DOM", f.step, f.n)
		} else if m[1] == "0" {
			t.Errorf("funnel bar %s has no width", f.step)
		}
	}
	if len(rep.Suppression) == 0 {
		t.Fatal("fixture run suppressed nobody")
	}
	for _, s := range rep.Suppression {
		if !strings.Contains(dom, fmt.Sprintf(`data-list="%s" data-count="%d"`, s.List, s.People)) {
			t.Errorf("no suppression bar for %s (%d)", s.List, s.People)
		}
	}
	for _, e := range rep.Exports {
		if !strings.Contains(dom, e.Export) || !strings.Contains(dom, e.Recipient) {
			t.Errorf("export %s → %s missing", e.Export, e.Recipient)
		}
	}
}

// chromiumDOM loads page in headless Chromium, writes a screenshot to the
// test artifacts (PIPELINE_TEST_ARTIFACTS) and returns the DOM as laid
// out. Without Chromium it fails under make test (PIPELINE_REQUIRE_CHROMIUM)
// or CI, and otherwise returns the page's own text.
func chromiumDOM(t *testing.T, page, shotName string) string {
	t.Helper()
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") != "" || os.Getenv("PIPELINE_REQUIRE_CHROMIUM") == "1" {
			t.Fatal("no /usr/bin/chromium: run the tests through make test (scripts/chromium.sh installs it)")
		}
		t.Log("no /usr/bin/chromium: the page is checked as written")
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--no-first-run"}
	shot := filepath.Join(t.TempDir(), shotName)
	args := append(append([]string{}, base...), "--user-data-dir="+t.TempDir(), "--screenshot="+shot, "--window-size=1000,1400", "file://"+page)
	if o, err := exec.CommandContext(ctx, chromium, args...).CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, o)
	}
	if st, err := os.Stat(shot); err != nil || st.Size() < 1000 {
		t.Errorf("screenshot: %v", err)
	}
	if a := os.Getenv("PIPELINE_TEST_ARTIFACTS"); a != "" {
		_ = os.MkdirAll(a, 0o700)
		if b, err := os.ReadFile(shot); err == nil {
			_ = os.WriteFile(filepath.Join(a, shotName), b, 0o600)
		}
	}
	args = append(append([]string{}, base...), "--user-data-dir="+t.TempDir(), "--dump-dom", "file://"+page)
	dom, err := exec.CommandContext(ctx, chromium, args...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	return string(dom)
}
