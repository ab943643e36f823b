package main

import (
	"context"
	"io"
	"os"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/progress"
)

// progressFlags are run's flags for its progress display (docs/progress.md).
type progressFlags struct {
	quiet    bool
	interval time.Duration
}

func addProgressFlags(fs *flag.FlagSet) *progressFlags {
	p := &progressFlags{interval: progress.DefaultLogInterval}
	if v, err := time.ParseDuration(os.Getenv("PIPELINE_PROGRESS_INTERVAL")); err == nil && v > 0 {
		p.interval = v
	}
	fs.BoolVar(&p.quiet, "quiet", false, "no progress display: no live bar on a terminal, no progress log events otherwise")
	fs.DurationVar(&p.interval, "progress-interval", p.interval, "how often a progress log event is written when stderr is not a terminal (env PIPELINE_PROGRESS_INTERVAL)")
	return p
}

// check refuses an interval that would not tick.
func (p *progressFlags) check() error {
	if p.interval <= 0 {
		return usagef("--progress-interval %s: want a positive duration such as 5s", p.interval)
	}
	return nil
}

// reporter returns ctx carrying the run's progress Reporter and the func
// that stops it: a live bar when stderr is a terminal and the logs are
// not JSON, a "progress" log event every interval otherwise; none with
// --quiet.
func (p *progressFlags) reporter(ctx context.Context, c *common, log zerolog.Logger, stderr io.Writer) (context.Context, func()) {
	if p.quiet {
		return ctx, func() {}
	}
	var sink progress.Sink = progress.Log{Log: log}
	interval := p.interval
	if isTerminal(stderr) && c.logFormat != "json" {
		sink, interval = &progress.Bar{W: stderr}, 200*time.Millisecond
	}
	t := progress.NewTracker(sink, interval)
	return progress.NewContext(ctx, t), t.Close
}
