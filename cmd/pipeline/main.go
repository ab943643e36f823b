// Command pipeline turns company lists and person data into GDPR/PECR-
// compliant B2B prospect lists with DuckDB, and answers data subjects'
// rights across every dataset it has written. See README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/connectors/plugin"
)

func main() {
	// Files this process creates may hold personal data: 0600/0700.
	syscall.Umask(0o077)
	// The Go heap holds little (DuckDB's memory is its own); the pl_*
	// normalisation functions allocate per value, so collect less often.
	// $GOGC still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	// ...but within a soft limit: the Go heap is mostly the pl_* functions'
	// garbage, which GOGC 400 alone lets grow the run's peak memory.
	// DuckDB's memory (engine.memory_limit) is outside it. $GOMEMLIMIT wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(512 << 20)
	}
	// JSON logs give durations in milliseconds (fields named *_ms)
	zerolog.DurationFieldUnit = time.Millisecond
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := startCPUProfile(os.Getenv("PIPELINE_CPUPROFILE"), os.Stderr)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopProfile()
	stop()
	plugin.CleanupClients()
	os.Exit(exitCode(err, os.Stderr, failure(os.Args[1:])))
}

// startCPUProfile writes a Go CPU profile of the whole command to path
// when it is set ($PIPELINE_CPUPROFILE; bench/README.md). DuckDB's own work
// shows as cgo frames; the pl_* functions and plugin decoding show by name.
func startCPUProfile(path string, stderr io.Writer) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(stderr, "pipeline: PIPELINE_CPUPROFILE:", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
