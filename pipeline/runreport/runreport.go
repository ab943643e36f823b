// Package runreport renders a run's report as one self-contained HTML
// page: the funnel (companies → targeted → people → prospects →
// deliverable → exported) and the people each suppression list removed
// as inline SVG charts, the steps' times, the exports and their
// recipients. The page loads nothing (no network, no script) and holds no
// personal data: counts and the names of steps, lists, exports,
// campaigns and recipients only. html/template escapes every name.
package runreport

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/example/pipeline/pipeline/flow"
)

//go:embed page.html.tmpl
var pageText string

var page = template.Must(template.New("page").Parse(pageText))

// Bar is one bar of a chart: its label, its count and its geometry.
type Bar struct {
	Key   string // stable id: funnel step or list name
	Label string
	Count int64
	Width int // in chart units, proportional to Count
	Y     int
}

// Chart is a horizontal bar chart.
type Chart struct {
	Bars   []Bar
	Height int
}

// StepTime is one step of the run and how long it took.
type StepTime struct {
	Stage, Step string
	Took        string
}

// Page is what the template shows.
type Page struct {
	RunID, Pipeline, Status string
	Started                 string
	Took                    string
	DryRun                  bool
	Funnel                  Chart
	Suppression             Chart
	Lists                   []flow.SuppressionCount
	Steps                   []StepTime
	Exports                 []Export
}

// Export is one export: where its rows went, no paths to personal data.
type Export struct {
	Name, Campaign, Recipient string
	Rows                      int64
	Files                     int
	DryRun                    bool
}

const (
	barWidth  = 560 // the widest bar
	barHeight = 28
	barGap    = 10
)

// chart lays bars out, widths proportional to the largest count.
func chart(bars []Bar) Chart {
	var max int64
	for _, b := range bars {
		if b.Count > max {
			max = b.Count
		}
	}
	for i := range bars {
		bars[i].Y = i * (barHeight + barGap)
		if max > 0 {
			bars[i].Width = int(bars[i].Count * barWidth / max)
		}
		if bars[i].Count > 0 && bars[i].Width < 2 {
			bars[i].Width = 2 // a count that is not zero stays visible
		}
	}
	return Chart{Bars: bars, Height: len(bars)*(barHeight+barGap) + barGap}
}

// Funnel returns the run's funnel, step by step; a step the run did not
// reach (run --until) is left out, never shown as zero.
func Funnel(r *flow.Report) []Bar {
	var out []Bar
	add := func(key, label string, n int64) { out = append(out, Bar{Key: key, Label: label, Count: n}) }
	find := func(stage, step string) *flow.StageRow {
		for i := range r.Stages {
			if r.Stages[i].Stage == stage && r.Stages[i].Step == step {
				return &r.Stages[i]
			}
		}
		return nil
	}
	if s := find(flow.StageEnrich, "target companies"); s != nil {
		add("companies", "companies", s.RowsIn)
		add("targeted", "targeted companies", s.RowsOut)
	}
	if s := find(flow.StageEnrich, "prospects"); s != nil {
		add("people", "people", s.RowsIn)
		add("prospects", "prospects", s.RowsOut)
	}
	if s := find(flow.StageSuppress, "deliverable"); s != nil {
		add("deliverable", "deliverable", s.RowsOut)
	}
	if len(r.Exports) > 0 {
		var n int64
		dry := false
		for _, e := range r.Exports {
			n += e.Rows
			dry = dry || e.DryRun
		}
		label := "exported"
		if dry {
			label = "would export (dry run)"
		}
		add("exported", label, n)
	}
	return out
}

// New builds the page of a run's report.
func New(r *flow.Report) Page {
	p := Page{RunID: r.RunID, Pipeline: r.Pipeline, Status: r.Status,
		Started: r.Started.UTC().Format(time.RFC3339),
		Took:    r.Finished.Sub(r.Started).Round(time.Millisecond).String(),
		DryRun:  r.Status == "dry_run", Lists: r.Suppression}
	p.Funnel = chart(Funnel(r))
	var lists []Bar
	for _, s := range r.Suppression {
		lists = append(lists, Bar{Key: s.List, Label: fmt.Sprintf("%s (%s, %s)", s.List, s.Kind, s.Reason), Count: s.People})
	}
	p.Suppression = chart(lists)
	for _, s := range r.Stages {
		p.Steps = append(p.Steps, StepTime{Stage: s.Stage, Step: s.Step, Took: s.Duration.Round(time.Millisecond).String()})
	}
	for _, e := range r.Exports {
		p.Exports = append(p.Exports, Export{Name: e.Export, Campaign: e.Campaign, Recipient: e.Recipient,
			Rows: e.Rows, Files: len(e.Files), DryRun: e.DryRun})
	}
	return p
}

// Write renders the page of r to w.
func Write(w io.Writer, r *flow.Report) error {
	if err := page.Execute(w, New(r)); err != nil {
		return fmt.Errorf("run report page: %w", err)
	}
	return nil
}

// Dir is the folder beside the warehouse that keeps every run's page.
func Dir(warehouse string) string { return warehouse + ".reports" }

// Save writes the page of r to path atomically, mode 0600 (its folder
// is created 0700 when missing).
func Save(path string, r *flow.Report) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("run report page: %w", err)
	}
	var b bytes.Buffer
	if err := Write(&b, r); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o600); err != nil {
		return fmt.Errorf("run report page: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // an older temp file kept its mode
		return fmt.Errorf("run report page: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("run report page: %w", err)
	}
	return nil
}
