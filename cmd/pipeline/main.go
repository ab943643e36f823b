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

const usage = `pipeline — GDPR/PECR-compliant B2B prospect lists with DuckDB

usage: pipeline COMMAND [flags]

  run        [-f …] [--until STEP] [--dry-run] [--format …]   run the pipeline (--only: alias of --until)
  validate   [-f …]                                         check config, print the plan and its SQL
  catalog    [-f …] [--format table|json|markdown]          the data map
  connectors list [-f …]                                    connectors, origin, version, capabilities
  connector  serve NAME                                     (internal) serve a built-in connector
  query      [-f …] "SQL" [--format table|csv|json|jsonl|markdown]   read-only SQL, to stdout
  suppress   add|import|list|check|remove …                 the do-not-contact store
  restrict   --email X [--note …] | unrestrict --email X    restriction of processing
  object     --email X                                      record an objection (permanent suppression)
  unobject   --email X --evidence TEXT                      the subject withdrew their objection (audited)
  sar        --email X [--phone P] [--format json|text|html] [--out FILE]
  erase      --email X [--dry-run] [--yes]                  erasure everywhere, with tombstone
  purge      [--dry-run]                                    retention
  requests   [--overdue] | add --type T --email X [--received DATE] [--identity TEXT] | extend ID --reason TEXT
             the register of rights requests; sar/erase/restrict/unrestrict/object/unobject take --request ID
  audit      [verify] [--subject-key K]                     the hash-chained audit log
  schema                                                    JSON Schema of pipeline.yaml (editor completion)
  version    [--format text|json]                           build, VCS revision, DuckDB version (also --version)
  runs       [-n N] [--format table|json]                   run history; a run whose process died shows as crashed

global flags (any command): --log-format console|json, --log-level debug|info|warn|error
exit codes: 0 success, 1 runtime failure, 2 usage or config error
            (with --log-format json the final error is a JSON log event with exit_code)
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return usagef("no command given")
		}
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "version", "--version":
		return cmdVersion(ctx, rest, stdout, stderr)
	case "schema":
		return cmdSchema(rest, stdout, stderr)
	case "run":
		return cmdRun(ctx, rest, stdout, stderr)
	case "validate":
		return cmdValidate(ctx, rest, stdout, stderr)
	case "catalog":
		return cmdCatalog(ctx, rest, stdout, stderr)
	case "connectors":
		return cmdConnectors(ctx, rest, stdout, stderr)
	case "connector":
		return cmdConnectorServe(rest)
	case "query":
		return cmdQuery(ctx, rest, stdout, stderr)
	case "suppress":
		return cmdSuppress(ctx, rest, stdout, stderr)
	case "restrict":
		return withRequest(ctx, cmd, rest, stdout, stderr, cmdRestrict)
	case "unrestrict":
		return withRequest(ctx, cmd, rest, stdout, stderr, cmdUnrestrict)
	case "object":
		return withRequest(ctx, cmd, rest, stdout, stderr, cmdObject)
	case "unobject":
		return withRequest(ctx, cmd, rest, stdout, stderr, cmdUnobject)
	case "sar":
		return withRequest(ctx, cmd, rest, stdout, stderr, cmdSar)
	case "erase":
		return withRequest(ctx, cmd, rest, stdout, stderr, cmdErase)
	case "requests":
		return cmdRequests(ctx, rest, stdout, stderr)
	case "purge":
		return cmdPurge(ctx, rest, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, rest, stdout, stderr)
	case "runs":
		return cmdRuns(ctx, rest, stdout, stderr)
	}
	return usagef("unknown command %q (see pipeline --help)", cmd)
}
