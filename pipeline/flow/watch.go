package flow

import (
	"context"
	"database/sql"
	"sync/atomic"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/progress"
)

// watch reports a run's steps to the progress.Reporter the run's context
// carries, with DuckDB's figures of the statement running on the run's
// connection.
type watch struct {
	rep   progress.Reporter
	probe engine.ProgressProbe // nil: no DuckDB figures (the elapsed time only)
	conn  *sql.Conn            // the connection probed
	// DuckDB's progress tracking costs CPU on every task of every
	// statement: it is turned on (track) at the run's first statement
	// after the display first asked for figures (asked), which a run
	// shorter than one progress interval never does
	asked, tracked atomic.Bool
}

// startWatch starts reporting the run's progress on c; the returned func
// ends it and must run before c is closed (the probe reads c's handle).
// Without a Reporter in ctx it does nothing.
func (rn *run) startWatch(ctx context.Context, c *sql.Conn) func() {
	rep := progress.FromContext(ctx)
	if _, off := rep.(progress.Nop); off {
		return func() {}
	}
	if s, ok := rep.(progress.RunIDSetter); ok {
		s.SetRunID(rn.id)
	}
	w := &watch{rep: rep, conn: c}
	probe, err := engine.ProgressProbeOf(c)
	if err != nil {
		rn.Log.Debug().Err(err).Msg("progress without DuckDB's row counts")
	} else {
		w.probe = probe
	}
	rn.watch = w
	return func() {
		rep.End()
		rn.watch = nil
	}
}

// watchStep tells the Reporter a step began (the one before ended).
func (rn *run) watchStep(step string) {
	if rn.watch == nil {
		return
	}
	rn.watch.rep.Begin(step, rn.watch.sampler())
}

// sampler reads the rows the step's statements have read so far: DuckDB
// counts per statement, so a count that drops means a new statement
// began and the last one's count is carried over.
func (w *watch) sampler() progress.Sampler {
	if w.probe == nil {
		return nil
	}
	var base, last uint64
	return func() (int64, float64) {
		w.asked.Store(true)
		p := w.probe()
		if p.Rows < last {
			base += last
		}
		last = p.Rows
		return int64(base + last), p.Percent
	}
}

// track turns DuckDB's progress tracking on before a statement on c, once
// the display has asked for figures (see watch.asked). Only the probed
// connection is tracked; a failure leaves the display with the elapsed
// time alone.
func (rn *run) track(ctx context.Context, c *sql.Conn) {
	w := rn.watch
	if w == nil || w.probe == nil || c != w.conn || !w.asked.Load() || w.tracked.Swap(true) {
		return
	}
	if err := engine.TrackProgress(ctx, c); err != nil {
		rn.Log.Debug().Err(err).Msg("progress without DuckDB's row counts")
	}
}
