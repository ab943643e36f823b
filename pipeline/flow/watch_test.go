package flow

import (
	"context"
	"testing"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/engine/enginetest"
	"github.com/example/pipeline/pipeline/progress"
)

// TestWatchTracksOnceAsked: DuckDB's progress tracking stays off on the
// run's connection until the display first samples the step (a run
// shorter than one progress interval never pays for it), is turned on by
// the run's next statement on that connection, and only there.
func TestWatchTracksOnceAsked(t *testing.T) {
	ctx := context.Background()
	c, other := enginetest.Conn(t), enginetest.Conn(t)
	tracking := func(c *sqlConn) bool {
		t.Helper()
		var on bool
		if err := c.QueryRowContext(ctx, "SELECT CAST(current_setting('enable_progress_bar') AS BOOLEAN)").Scan(&on); err != nil {
			t.Fatal(err)
		}
		return on
	}
	if tracking(c) {
		t.Fatal("progress tracking on before any watch")
	}
	rn := &run{Runner: &Runner{Log: zerolog.Nop()}, id: "test"}
	tr := progress.NewTracker(progress.Log{Log: zerolog.Nop()}, 1<<40) // never ticks: the test samples
	defer tr.Close()
	stop := rn.startWatch(progress.NewContext(ctx, tr), c)
	defer stop()
	sample := rn.watch.sampler()
	rn.track(ctx, c)
	if tracking(c) {
		t.Error("tracking turned on before the display asked")
	}
	sample()
	rn.track(ctx, other)
	if tracking(other) || tracking(c) {
		t.Error("a statement on another connection turned tracking on")
	}
	rn.track(ctx, c)
	if !tracking(c) {
		t.Error("tracking still off after the display asked and a statement ran")
	}
}
