package progress

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

type chanSink struct{ shown, finished chan Figures }

func (s chanSink) Show(f Figures)   { s.shown <- f }
func (s chanSink) Finish(f Figures) { s.finished <- f }

// TestTracker: every tick shows the current step's figures from its
// Sampler; Begin of the next step finishes the one before; after Close
// nothing is sampled or shown.
func TestTracker(t *testing.T) {
	s := chanSink{make(chan Figures, 100), make(chan Figures, 10)}
	tr := NewTracker(s, time.Millisecond)
	calls := 0
	tr.Begin("stage people", func() (int64, float64) { calls++; return 1234, 42.5 })
	f := <-s.shown
	if f.Step != "stage people" || f.Rows != 1234 || f.Percent != 42.5 || f.Elapsed <= 0 || f.RowsPerSec <= 0 {
		t.Errorf("figures %+v", f)
	}
	tr.Begin("enrich", nil)
	if f := <-s.finished; f.Step != "stage people" {
		t.Errorf("finished %+v", f)
	}
	f = <-s.shown
	for f.Step != "enrich" { // a tick of the first step may have been queued
		f = <-s.shown
	}
	if f.Rows != 0 || f.Percent != -1 {
		t.Errorf("no sampler: %+v", f)
	}
	tr.Close()
	tr.Close() // twice is fine
	if f := <-s.finished; f.Step != "enrich" {
		t.Errorf("Close finished %+v", f)
	}
	n := calls
	for len(s.shown) > 0 {
		<-s.shown
	}
	select {
	case f := <-s.shown:
		t.Errorf("shown after Close: %+v", f)
	default:
	}
	if calls != n {
		t.Errorf("sampled after Close")
	}
}

func TestLogEvent(t *testing.T) {
	var b bytes.Buffer
	Log{Log: zerolog.New(&b)}.Show(Figures{RunID: "r1", Step: "export acme", Rows: 10, RowsPerSec: 2.55, Percent: -1, Elapsed: 4 * time.Second})
	var ev map[string]any
	if err := json.Unmarshal(b.Bytes(), &ev); err != nil {
		t.Fatal(err)
	}
	if ev["message"] != "progress" || ev["run_id"] != "r1" || ev["step"] != "export acme" || ev["rows"] != 10.0 || ev["elapsed_ms"] != 4000.0 || ev["rows_per_s"] != 2.5 {
		t.Errorf("event %v", ev)
	}
	if _, ok := ev["percent"]; ok {
		t.Errorf("unknown percent logged: %v", ev)
	}
}

func TestBar(t *testing.T) {
	var b bytes.Buffer
	bar := &Bar{W: &b}
	bar.Show(Figures{Step: "stage people", Rows: 500, Percent: 50, Elapsed: time.Second, RowsPerSec: 500})
	if s := b.String(); !strings.Contains(s, "stage people  50% read") || !strings.Contains(s, "500") {
		t.Errorf("bar: %q", s)
	}
	bar.Finish(Figures{})
	bar.Finish(Figures{}) // no bar: nothing
}

func TestFromContext(t *testing.T) {
	if _, ok := FromContext(context.Background()).(Nop); !ok {
		t.Error("no reporter: want Nop")
	}
	tr := NewTracker(chanSink{make(chan Figures, 1000), make(chan Figures, 10)}, time.Hour)
	defer tr.Close()
	if FromContext(NewContext(context.Background(), tr)) != tr {
		t.Error("reporter lost")
	}
}
