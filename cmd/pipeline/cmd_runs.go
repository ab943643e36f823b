package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/flow"
)

// cmdRuns prints the run history, newest first. It takes the warehouse
// lock and settles runs whose process died first (flow.EnsureSchema), so
// a killed run shows as crashed, not running.
func cmdRuns(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("runs", stderr)
	limit := fs.Int("n", 20, "how many runs to show")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	lk, err := flow.WaitLock(ctx, cfg.Warehouse, "pipeline runs", stderr)
	if err != nil {
		return err
	}
	defer lk.Unlock()
	db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse, Threads: cfg.Engine.Threads,
		MemoryLimit: cfg.Engine.MemoryLimit, TempDirectory: cfg.Engine.TempDirectory})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := flow.EnsureSchema(ctx, db); err != nil {
		return err
	}
	q, err := engine.Render("runs_list", nil)
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, q, engine.Params{"limit": *limit}.Args()...)
	if err != nil {
		return fmt.Errorf("read runs: %w", err)
	}
	defer rows.Close()
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTATUS\tSTARTED\tFINISHED\tPID\tERROR")
	for rows.Next() {
		var id, status, started, finished, pid, msg string
		if err := rows.Scan(&id, &status, &started, &finished, &pid, &msg); err != nil {
			return err
		}
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i] + " …"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", id, status, started, finished, pid, msg)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return tw.Flush()
}
