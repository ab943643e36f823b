package flow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// ErrSelect means `run --select STEP` cannot rerun STEP (a usage error):
// the step does not read the warehouse's current state, or the warehouse
// has no such state yet. The message says why and what to run instead.
var ErrSelect = errors.New("flow: --select")

// selectable are the steps a run reruns with --select, each with the
// steps it reruns before it so the result is what a full run would give
// over the same tables: deliverable is screened against the suppression
// store as it is now (a subject suppressed, restricted or erased since is
// never exported again) and the export gate reads a catalog of the
// current tables and configuration.
var selectable = map[string][]string{
	StageSuppress: {StageSuppress},
	StageClassify: {StageClassify},
	StageExport:   {StageSuppress, StageClassify, StageExport},
}

// refused says why a step cannot be rerun alone.
var refused = map[string]string{
	StageStage:  "stage reads the sources: rerunning it is a full run (pipeline run, or --until stage)",
	StageEnrich: "enrich rebuilds prospects from the tables the same run staged: run pipeline run (or --until enrich)",
}

// CheckSelect refuses a --select STEP that cannot be rerun alone, with
// the reason (ErrSelect).
func CheckSelect(opts Options) error {
	if opts.Select == "" {
		return nil
	}
	if opts.Only != "" {
		return fmt.Errorf("%w: --select and --until/--only exclude each other", ErrSelect)
	}
	if why, ok := refused[opts.Select]; ok {
		return fmt.Errorf("%w %s refused: %s", ErrSelect, opts.Select, why)
	}
	if _, ok := selectable[opts.Select]; !ok {
		return fmt.Errorf("%w %q: not a step (steps: %s)", ErrSelect, opts.Select, strings.Join(Stages, ", "))
	}
	return nil
}

// executeSelect reruns opts.Select (and the steps it needs) over the
// warehouse's current tables in one transaction: nothing is staged or
// enriched, the raw tables and prospects are read as the last run left
// them. The exports are swapped in after COMMIT as in a full run; a
// failure or a dry run leaves everything as it was. committed reports
// whether the transaction committed (the caller's cleanup needs it).
func (rn *run) executeSelect(ctx context.Context, c *sqlConn, opts Options) (committed bool, err error) {
	var ok int64
	if err := queryRow(ctx, c, "select_state", nil, &ok); err != nil {
		return false, err
	}
	if ok == 0 {
		return false, fmt.Errorf("%w %s refused: the warehouse has no successful run to rerun it over; run pipeline run first", ErrSelect, opts.Select)
	}
	if err := rn.currentSources(ctx, c); err != nil {
		return false, err
	}
	if err := rn.loadReference(ctx, c); err != nil {
		return false, fmt.Errorf("reference tables: %w", err)
	}
	if err := rn.validation(); err != nil {
		return false, err
	}
	if _, err := c.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return false, err
	}
	// (a failure or a dry run: execute's cleanup rolls back and drops
	// the staged exports)
	steps := map[string]func(context.Context, *sqlConn) error{
		StageSuppress: func(ctx context.Context, c *sqlConn) error {
			// the lists' files as they are now, then the screen
			if err := rn.syncLists(ctx, c); err != nil {
				return err
			}
			return rn.suppress(ctx, c)
		},
		StageClassify: rn.classify,
		StageExport:   rn.export,
	}
	if opts.DryRun {
		steps[StageExport] = rn.exportCounts
	}
	for _, name := range selectable[opts.Select] {
		if err := rn.before(ctx, name); err != nil {
			return false, err
		}
		if err := steps[name](ctx, c); err != nil {
			return false, fmt.Errorf("stage %s: %w", name, err)
		}
	}
	if opts.DryRun {
		return false, errDryRun
	}
	ckErr, err := engine.CommitWithoutFSST(ctx, c)
	if err != nil {
		return false, fmt.Errorf("commit: %w", err)
	}
	if ckErr != nil {
		rn.Log.Warn().Err(ckErr).Msg("checkpoint after the commit failed; the run is committed and the next checkpoint writes it")
	}
	if err := rn.swapExports(ctx, c); err != nil {
		return true, err
	}
	if rn.AfterCommit != nil {
		if _, err := rn.AfterCommit(ctx, c, rn.started); err != nil {
			return true, fmt.Errorf("retention purge: %w", err)
		}
	}
	return true, nil
}

// currentSources records the raw tables the last run promoted as this
// run's sources, read where they are (classify reads them; nothing is
// staged, so there is nothing of this run's to drop).
func (rn *run) currentSources(ctx context.Context, c *sqlConn) error {
	q, err := renderPlain("select_raw_tables")
	if err != nil {
		return err
	}
	rows, err := c.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("raw tables: %w", err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return err
		}
		tables = append(tables, t)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range rn.Config.SourceOrder {
		if t := warehouse.RawTable(name); slices.Contains(tables, t) {
			rn.sources[name] = &sourceInfo{Name: name, Table: t, Staged: t}
		}
	}
	return nil
}
