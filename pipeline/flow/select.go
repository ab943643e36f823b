package flow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/example/pipeline/pipeline/warehouse"
)

// ErrSelect means `run --select STEP` cannot rerun STEP (a usage error):
// the step does not read the warehouse's current state, or the warehouse
// has no such state yet. The message says why and what to run instead.
var ErrSelect = errors.New("flow: --select")

// CheckSelect refuses a --select STEP that cannot be rerun alone, with
// the reason (ErrSelect): a stage is rerun alone only when it is
// rerunnable (stages.go).
func CheckSelect(opts Options) error {
	if opts.Select == "" {
		return nil
	}
	if opts.Only != "" {
		return fmt.Errorf("%w: --select and --until/--only exclude each other", ErrSelect)
	}
	i := slices.Index(Stages, opts.Select)
	if i < 0 {
		return fmt.Errorf("%w %q: not a step (steps: %s)", ErrSelect, opts.Select, strings.Join(Stages, ", "))
	}
	if _, ok := stages[i].(rerunnable); ok {
		return nil
	}
	why := "it does not read the warehouse's current state: run pipeline run"
	if nr, ok := stages[i].(notRerunnable); ok {
		why = nr.NotRerunnable()
	}
	return fmt.Errorf("%w %s refused: %s", ErrSelect, opts.Select, why)
}

// rerunList is what --select name reruns, in list order: the stage, and
// when it RerunsBefore, the rerunnable stages before it (so the result
// is what a full run would give over the same tables: deliverable
// screened against the suppression store as it is now, the export gate
// reading a catalog of the current tables and configuration).
func rerunList(name string) []Stage {
	i := slices.Index(Stages, name)
	last := stages[i].(rerunnable)
	if !last.RerunsBefore() {
		return []Stage{stages[i]}
	}
	var out []Stage
	for _, s := range stages[:i+1] {
		if _, ok := s.(rerunnable); ok {
			out = append(out, s)
		}
	}
	return out
}

// executeSelect reruns opts.Select (and the stages it needs, rerunList)
// over the warehouse's current tables in the executor's run transaction:
// nothing is staged or enriched, the raw tables and prospects are read as
// the last run left them. The exports are swapped in after COMMIT as in a
// full run; a failure or a dry run leaves everything as it was.
// committed reports whether the transaction committed (the caller's
// clean-up needs it).
func (rn *run) executeSelect(ctx context.Context, env *stageEnv) (committed bool, err error) {
	c, opts := env.c, env.opts
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
	ex := &executor{env: env, list: rerunList(opts.Select), begun: map[string]bool{}}
	committed, err = ex.runTransaction(ctx, func(s Stage) func(context.Context, *stageEnv) error {
		return s.(rerunnable).Rerun
	})
	if err != nil || !committed {
		return committed, err
	}
	return true, ex.afterCommit(ctx)
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
