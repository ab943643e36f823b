package runreport

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/flow"
)

func report() *flow.Report {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &flow.Report{RunID: "r1", Pipeline: "p", Status: "succeeded", Started: t0, Finished: t0.Add(time.Second),
		Stages: []flow.StageRow{
			{Stage: "enrich", Step: "target companies", RowsIn: 40, RowsOut: 20},
			{Stage: "enrich", Step: "prospects", RowsIn: 400, RowsOut: 100},
			{Stage: "suppress", Step: "deliverable", RowsIn: 100, RowsOut: 90},
		},
		Suppression: []flow.SuppressionCount{{List: `<script>alert(1)</script>`, Kind: "email", Reason: "unsubscribe", People: 10}},
		Exports:     []flow.ExportResult{{Export: "e1", Recipient: "R & Co", Rows: 80, Files: []string{"a", "b"}}},
	}
}

func TestFunnel(t *testing.T) {
	got := Funnel(report())
	want := []struct {
		key string
		n   int64
	}{{"companies", 40}, {"targeted", 20}, {"people", 400}, {"prospects", 100}, {"deliverable", 90}, {"exported", 80}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i, w := range want {
		if got[i].Key != w.key || got[i].Count != w.n {
			t.Errorf("bar %d: got %s=%d, want %s=%d", i, got[i].Key, got[i].Count, w.key, w.n)
		}
	}
	// a run that stopped after enrichment: no deliverable or exported bar
	r := report()
	r.Stages, r.Exports = r.Stages[:2], nil
	if got := Funnel(r); len(got) != 4 {
		t.Errorf("run --until enrich: %+v", got)
	}
}

func TestChartWidths(t *testing.T) {
	c := chart([]Bar{{Count: 1000}, {Count: 500}, {Count: 1}, {Count: 0}})
	if c.Bars[0].Width != barWidth || c.Bars[1].Width != barWidth/2 {
		t.Errorf("widths %+v", c.Bars)
	}
	if c.Bars[2].Width == 0 || c.Bars[3].Width != 0 {
		t.Errorf("a count of 1 must show, 0 must not: %+v", c.Bars)
	}
}

// TestWriteEscapes: names reach the page escaped, never as markup.
func TestWriteEscapes(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, report()); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if strings.Contains(s, "<script>") {
		t.Errorf("list name not escaped")
	}
	if !strings.Contains(s, "&lt;script&gt;") || !strings.Contains(s, "R &amp; Co") {
		t.Errorf("escaped names missing:\n%s", s)
	}
	if !strings.Contains(s, `data-step="exported" data-count="80"`) {
		t.Errorf("no exported bar")
	}
}
