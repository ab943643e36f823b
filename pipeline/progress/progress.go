// Package progress shows a run's progress while it works: a live bar on a
// terminal, a log event every few seconds elsewhere. The run tells a
// Reporter where it is (Begin a step, End it); the Reporter reads the
// step's figures itself, on its own clock, from the Sampler the step
// gives it. Nothing personal passes through here: step names (stages,
// source and export names) and counts.
package progress

import (
	"context"
	"sync"
	"time"
)

// Figures is one reading of a step's progress.
type Figures struct {
	RunID      string // the run's id, once the run told it (RunIDSetter)
	Step       string
	Rows       int64         // rows the step has read so far
	RowsPerSec float64       // Rows over Elapsed
	Percent    float64       // how much of its input the step has read, 0–100; -1 when unknown
	Elapsed    time.Duration // since the step began
}

// Sampler reads the figures of the work running now: rows read and the
// percent of the input read (-1 when unknown). A Reporter calls it from
// its own goroutine, never concurrently with itself, and never after the
// step ended.
type Sampler func() (rows int64, percent float64)

// Reporter follows a run's steps. Begin ends the step before, if any.
// Begin, End and Close are called from one goroutine; after Close the
// Reporter reads no Sampler again.
type Reporter interface {
	Begin(step string, sample Sampler)
	End()
	Close()
}

// Sink shows the figures a Tracker reads: Show on every tick of a step,
// Finish once when the step ends. Calls never overlap.
type Sink interface {
	Show(f Figures)
	Finish(f Figures)
}

// Tracker is a Reporter that samples the current step every interval and
// hands the figures to its Sink.
type Tracker struct {
	sink     Sink
	interval time.Duration
	clock    func() time.Time

	mu     sync.Mutex
	runID  string
	step   string
	sample Sampler
	begun  time.Time
	active bool

	stop chan struct{}
	done chan struct{}
}

// NewTracker starts a Tracker that shows the current step on sink every
// interval (a step shorter than interval is never shown). Close stops it.
func NewTracker(sink Sink, interval time.Duration) *Tracker {
	t := &Tracker{sink: sink, interval: interval, clock: time.Now,
		stop: make(chan struct{}), done: make(chan struct{})}
	go t.loop()
	return t
}

func (t *Tracker) loop() {
	defer close(t.done)
	tick := time.NewTicker(t.interval)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
			t.mu.Lock()
			if t.active {
				t.sink.Show(t.read())
			}
			t.mu.Unlock()
		}
	}
}

// read samples the current step; t.mu is held.
func (t *Tracker) read() Figures {
	f := Figures{RunID: t.runID, Step: t.step, Percent: -1, Elapsed: t.clock().Sub(t.begun)}
	if t.sample != nil {
		f.Rows, f.Percent = t.sample()
	}
	if s := f.Elapsed.Seconds(); s > 0 {
		f.RowsPerSec = float64(f.Rows) / s
	}
	return f
}

// Begin implements Reporter.
func (t *Tracker) Begin(step string, sample Sampler) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.endLocked()
	t.step, t.sample, t.begun, t.active = step, sample, t.clock(), true
}

// RunIDSetter is an optional Reporter capability: the run gives its id,
// which the figures then carry.
type RunIDSetter interface{ SetRunID(id string) }

// SetRunID implements RunIDSetter.
func (t *Tracker) SetRunID(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.runID = id
}

// End implements Reporter.
func (t *Tracker) End() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.endLocked()
}

func (t *Tracker) endLocked() {
	if !t.active {
		return
	}
	t.sink.Finish(t.read())
	t.active, t.sample = false, nil
}

// Close implements Reporter: it ends the current step and stops the
// Tracker's clock. It may be called more than once.
func (t *Tracker) Close() {
	t.End()
	select {
	case <-t.stop:
	default:
		close(t.stop)
	}
	<-t.done
}

// Nop reports nothing.
type Nop struct{}

func (Nop) Begin(string, Sampler) {}
func (Nop) End()                  {}
func (Nop) Close()                {}

type ctxKey struct{}

// NewContext returns ctx carrying r: the run reports its progress to it.
func NewContext(ctx context.Context, r Reporter) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// FromContext returns the Reporter ctx carries, Nop when none.
func FromContext(ctx context.Context) Reporter {
	if r, ok := ctx.Value(ctxKey{}).(Reporter); ok && r != nil {
		return r
	}
	return Nop{}
}

var (
	_ RunIDSetter = (*Tracker)(nil)
	_ Reporter    = (*Tracker)(nil)
	_ Reporter    = Nop{}
)
