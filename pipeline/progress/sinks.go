package progress

import (
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"
	"github.com/schollz/progressbar/v3"
)

// Bar draws a live progress bar per step on a terminal: the step and the
// percent of its input read (when known), rows, rows/s and the elapsed
// time. The bar is cleared when its step ends (the run prints its own
// line per step).
type Bar struct {
	W   io.Writer
	bar *progressbar.ProgressBar
}

// Show implements Sink.
func (b *Bar) Show(f Figures) {
	if b.bar == nil {
		b.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(b.W),
			progressbar.OptionSetDescription(f.Step),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionThrottle(0),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetRenderBlankState(true),
		)
	}
	desc := f.Step
	if f.Percent >= 0 {
		desc = fmt.Sprintf("%s %3.0f%% read", f.Step, f.Percent)
	}
	b.bar.Describe(desc)
	_ = b.bar.Set64(f.Rows)
}

// Finish implements Sink.
func (b *Bar) Finish(Figures) {
	if b.bar != nil {
		_ = b.bar.Finish()
		_ = b.bar.Clear()
		b.bar = nil
	}
}

// Log writes one log event ("progress") per tick with the figures:
// run_id (when known), step, rows, rows_per_s, percent (when known) and elapsed_ms.
type Log struct {
	Log zerolog.Logger
}

// Show implements Sink.
func (l Log) Show(f Figures) {
	ev := l.Log.Info()
	if f.RunID != "" {
		ev = ev.Str("run_id", f.RunID)
	}
	ev = ev.Str("step", f.Step).Int64("rows", f.Rows).
		Float64("rows_per_s", float64(int64(f.RowsPerSec*10))/10).
		Int64("elapsed_ms", f.Elapsed.Milliseconds())
	if f.Percent >= 0 {
		ev = ev.Float64("percent", float64(int64(f.Percent*10))/10)
	}
	ev.Msg("progress")
}

// Finish implements Sink: the step's end is in the run's own log.
func (Log) Finish(Figures) {}

// DefaultLogInterval is how often Log events are written unless the
// caller says otherwise.
const DefaultLogInterval = 5 * time.Second

var (
	_ Sink = (*Bar)(nil)
	_ Sink = Log{}
)
