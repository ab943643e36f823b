package main

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/flow"
	"github.com/example/pipeline/pipeline/rights"
	"github.com/rs/zerolog"
)

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("run", stderr)
	var until string
	stages := strings.Join(flow.Stages, "|")
	fs.StringVar(&until, "until", "", "run the stages up to and including STEP ("+stages+"); exports are written only up to export")
	fs.StringVar(&until, "only", "", "alias of --until")
	sel := fs.String("select", "", "rerun STEP alone over the warehouse as the last run left it: export (with the suppress and classify steps it depends on), classify or suppress; nothing is staged")
	dry := fs.Bool("dry-run", false, "run every stage in a transaction that is rolled back; write no export, report the rows each export would write")
	format := fs.String("format", "table", "report format: table|json")
	prog := addProgressFlags(fs)
	htmlOut := fs.String("report-html", "", "also write the run's report as an HTML page to FILE (docs/run-report.md)")
	sharded := addShardFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := prog.check(); err != nil {
		return err
	}
	if until != "" && !slices.Contains(flow.Stages, until) {
		return usagef("--until/--only %q: not a step (steps: %s)", until, strings.Join(flow.Stages, ", "))
	}
	if *format != "table" && *format != "json" {
		return usagef("--format %q: want table or json", *format)
	}
	opts := flow.Options{Only: until, DryRun: *dry, Select: *sel}
	if err := flow.CheckSelect(opts); err != nil {
		return usagef("%s", strings.TrimPrefix(err.Error(), "flow: "))
	}
	log, cfg, conns, err := c.setup(stderr)
	if err != nil {
		return err
	}
	for _, w := range cfg.Warnings {
		log.Warn().Str("config", w.Error()).Msg("config warning")
	}
	cfg, shardDone, err := sharded.shardedRun(cfg, &opts)
	if err != nil {
		return err
	}
	// one pool for validation and the run: the plugins validation started
	// serve the run
	pool := flow.NewPool(conns)
	defer pool.Close()
	r := newRunner(cfg, pool, log)
	if isTerminal(stderr) && !prog.quiet {
		r.Progress = stderr
	}
	ctx, stopProgress := prog.reporter(ctx, c, log, stderr)
	defer stopProgress()
	r.BeforeStage = testHold(stderr)
	rep, err := r.Run(ctx, opts)
	err = shardDone(rep, err)
	stopProgress()
	if rep != nil {
		if perr := writeRunPages(cfg, rep, *htmlOut); perr != nil {
			err = errors.Join(err, perr)
		}
		// the run moved the audit head anchor itself, before it let the
		// warehouse go (flow.Runner.Run)
		warnAnchor(stderr, rep.AnchorErr)
		if *format == "json" {
			b, _ := json.MarshalIndent(rep, "", "  ")
			fmt.Fprintln(stdout, string(b))
		} else {
			rep.Print(stdout)
		}
	}
	if errors.Is(err, flow.ErrSelect) {
		return usagef("%s", strings.TrimPrefix(err.Error(), "flow: "))
	}
	return err
}

func cmdValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("validate", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintln(stderr, w.Error())
	}
	conns, err := c.conns(cfg, stderr)
	if err != nil {
		return err
	}
	plan, err := flow.Validate(ctx, cfg, conns)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: OK — %d sources, %d campaigns, %d exports\n\n", c.file, len(cfg.Sources), len(cfg.Campaigns), len(cfg.Exports))
	printPlan(stdout, plan)
	return nil
}

// printPlan prints every statement of the plan in run order, under the
// name of the stage it belongs to ("run" for the lookup tables the run
// loads first); transaction statements stand on their own line.
func printPlan(w io.Writer, plan []flow.PlanStep) {
	stage := "-"
	for _, s := range plan {
		if s.Template == "" {
			fmt.Fprintf(w, "%s;\n\n", s.SQL)
			continue
		}
		if name := cmp.Or(s.Stage, "run"); name != stage {
			fmt.Fprintf(w, "== %s ==\n", name)
			stage = name
		}
		fmt.Fprintf(w, "-- sql/%s\n%s\n\n", s.Template, s.SQL)
	}
}

// newRunner is the nightly run's runner: validation alongside the first
// work, retention (rights.Purge, audited) after the commit.
func newRunner(cfg *config.Config, pool *flow.Pool, log zerolog.Logger) *flow.Runner {
	return &flow.Runner{Config: cfg, Connectors: pool, Log: log,
		// validation runs inside Run, alongside the first work that
		// changes nothing (see Runner.Validate)
		Validate: func(ctx context.Context) error {
			_, err := flow.Validate(ctx, cfg, pool)
			return err
		},
		// retention runs at the end of every run (docs/design.md), audited
		AfterCommit: func(ctx context.Context, c *sql.Conn, now time.Time) (int64, error) {
			changes, err := rights.Purge(ctx, c, cfg, now)
			var n int64
			for _, ch := range changes {
				n += ch.Rows + ch.Rejects
			}
			return n, err
		}}
}

// testHold is a test hook: PIPELINE_TEST_HOLD_BEFORE=STAGE blocks the run
// before STAGE until it is interrupted (the interrupted-run test sends
// SIGINT); nil when unset.
func testHold(stderr io.Writer) func(context.Context, string) error {
	hold := os.Getenv("PIPELINE_TEST_HOLD_BEFORE")
	if hold == "" {
		return nil
	}
	return func(ctx context.Context, stage string) error {
		if stage != hold {
			return nil
		}
		fmt.Fprintf(stderr, "holding before stage %s\n", stage)
		<-ctx.Done()
		return ctx.Err()
	}
}
