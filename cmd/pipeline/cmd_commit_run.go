package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/example/pipeline/pipeline/shard"
)

// cmdCommitRun swaps the exports of a sharded run in once all its shards
// succeeded (shard.Commit); with --discard it removes the part files of a
// run that will not be committed. Exit 1 when a shard is missing, still
// running or failed: the previous exports stay in place.
func cmdCommitRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("commit-run", stderr)
	discard := fs.Bool("discard", false, "remove the part files and status of RUN_ID instead (a run that will not be committed)")
	format := fs.String("format", "table", "table|json")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("commit-run takes one RUN_ID (the --run-id the shards were given)")
	}
	if *format != "table" && *format != "json" {
		return usagef("--format %q: want table or json", *format)
	}
	runID := fs.Arg(0)
	if err := shard.CheckRunID(runID); err != nil {
		return usagef("%s", err.Error())
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	if *discard {
		removed, err := shard.Discard(cfg, runID)
		for _, p := range removed {
			fmt.Fprintf(stdout, "removed %s\n", p)
		}
		return err
	}
	done, err := shard.Commit(ctx, cfg, runID, stderr)
	if *format == "json" {
		b, _ := json.MarshalIndent(done, "", "  ")
		fmt.Fprintln(stdout, string(b))
	} else {
		for _, d := range done {
			note := "swapped in"
			if d.Already {
				note = "already in place"
			}
			fmt.Fprintf(stdout, "%s: %d rows in %d files, %s (%s)\n", d.Export, d.Rows, d.Files, note, d.Dir)
		}
	}
	if err != nil {
		return fmt.Errorf("commit-run %s: %w", runID, err)
	}
	return nil
}
