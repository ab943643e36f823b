package flow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// execute runs a run on one connection in two transactions. The first
// stages the sources into raw_<source>__next tables (and their rejects)
// and commits; enrichment's TEMP working tables are built next, outside
// any transaction; the second does everything else — list sync, the
// prospects table, suppress, classify, export staging — and swaps the
// __next tables into place. Exports are swapped in only after the second
// COMMIT. A failed, interrupted or dry run drops the __next tables and
// leaves the warehouse and the exports as they were (rejects of a failed
// run are kept).
func (rn *run) execute(ctx context.Context, opts Options) (err error) {
	c, err := rn.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	defer rn.startWatch(ctx, c)() // (before c closes)
	bg := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	}
	committed := false
	defer func() {
		cctx, cancel := bg()
		defer cancel()
		if committed {
			err = errors.Join(err, rn.rollbackUnswapped(cctx, c))
			return
		}
		// A statement interrupted by a cancelled context may have taken
		// effect (a BEGIN): never leave a transaction open on a
		// connection that goes back to the pool (a later statement would
		// run, and be lost, inside it). No transaction: an error, ignored.
		_, _ = c.ExecContext(cctx, "ROLLBACK")
		if derr := rn.dropNext(cctx, c, opts.DryRun); derr != nil {
			rn.Log.Warn().Err(derr).Msg("could not drop this run's staged tables; the next run drops them")
		}
		rn.abortExports(cctx)
	}()
	if opts.Select != "" {
		committed, err = rn.executeSelect(ctx, c, opts)
		return err
	}
	// Transaction 1: the sources.
	if err := rn.referenceAndStage(ctx, c, bg); err != nil {
		return err
	}
	if opts.Only != StageStage && opts.Only != StageEnrich {
		rn.bgClass = rn.startClassification(ctx)
		defer rn.bgClass.stop()
		rn.bgClass.add(rn.committedDatasets()...)
	}

	// Between the transactions: enrichment's working tables (TEMP, and
	// prospects_work in the scratch database), autocommitted; see
	// enrichWork. Prospects are classified in the background meanwhile.
	if opts.Only != StageStage {
		if err := rn.enrichBetween(ctx, c); err != nil {
			return err
		}
	}

	// Transaction 2: everything else.
	if _, err := c.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	open := true
	defer func() {
		if open {
			cctx, cancel := bg()
			defer cancel()
			if _, rerr := c.ExecContext(cctx, "ROLLBACK"); rerr != nil {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rerr))
			}
		}
	}()
	if err := rn.runSteps(ctx, c, opts); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if opts.DryRun {
		return errDryRun
	}
	if err := rn.commit(ctx, c); err != nil {
		return err
	}
	open, committed = false, true
	return rn.afterCommit(ctx, c)
}

// enrichBetween builds enrichment's working tables between the run's two
// transactions (TEMP, and prospects_work in the scratch database),
// autocommitted (see enrichWork); the prospects are then classified in the
// background.
func (rn *run) enrichBetween(ctx context.Context, c *sqlConn) error {
	if err := rn.before(ctx, StageEnrich); err != nil {
		return err
	}
	if err := rn.enrichWork(ctx, c); err != nil {
		return fmt.Errorf("stage %s: %w", StageEnrich, err)
	}
	if rn.bgClass != nil {
		rn.bgClass.add(Dataset{Name: "prospects", Table: "prospects", Read: "prospects_work", Catalog: scratchDB})
	}
	return nil
}

// commit points the raw views at this run's files and commits the run's
// second transaction. An error means nothing was committed (the caller
// rolls back); a failed checkpoint after the commit is only logged.
func (rn *run) commit(ctx context.Context, c *sqlConn) error {
	t0 := time.Now()
	if err := rn.promote(ctx, c); err != nil {
		return err
	}
	t1 := time.Now()
	ckErr, err := engine.CommitWithoutFSST(ctx, c)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if ckErr != nil {
		rn.Log.Warn().Err(ckErr).Msg("checkpoint after the commit failed; the run is committed and the next checkpoint writes it")
	}
	rn.Log.Debug().Dur("promote_ms", t1.Sub(t0)).Dur("took_ms", time.Since(t1)).Msg("committed")
	return nil
}

// stageTransaction stages every source in a transaction of its own and
// commits it once the configuration check running alongside has passed.
// When staging fails, the rejects that explain it are committed (unless
// the configuration did not validate); the caller's clean-up rolls back
// what is left and drops the staged tables. bg gives the context of that
// clean-up work.
func (rn *run) stageTransaction(ctx context.Context, c *sqlConn, bg func() (context.Context, context.CancelFunc)) error {
	if err := rn.before(ctx, StageStage); err != nil {
		return err
	}
	if _, err := c.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	if err := rn.stageSources(ctx, c); err != nil {
		// keep the rejects that explain the failure (unless the
		// configuration did not validate: then nothing stays); the staged
		// tables committed with them are dropped by the deferred cleanup
		cctx, cancel := bg()
		defer cancel()
		if verr := rn.validation(); verr != nil {
			return verr // the caller's clean-up rolls back
		}
		if _, cerr := c.ExecContext(cctx, "COMMIT"); cerr != nil {
			_, _ = c.ExecContext(cctx, "ROLLBACK")
		}
		return fmt.Errorf("stage %s: %w", StageStage, err)
	}
	if verr := rn.validation(); verr != nil {
		return verr // the caller's clean-up rolls back
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit staging: %w", err)
	}
	return nil
}

// runSteps runs, in the run's second transaction, the stages up to and
// including opts.Only, but suppress runs before classify when a run goes
// on to both: it does not need the catalog, and it then overlaps the
// prospects' background classification, which classify waits for. The
// export gate still follows classify. A dry run's export only counts.
func (rn *run) runSteps(ctx context.Context, c *sqlConn, opts Options) error {
	steps := []struct {
		name string
		fn   func(context.Context, *sqlConn) error
	}{
		{StageStage, rn.syncLists},
		{StageEnrich, rn.publishProspects},
		{StageEnrich, rn.recordSeen},
		{StageSuppress, rn.suppress},
		{StageClassify, rn.classify},
		{StageExport, rn.export},
	}
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if opts.Only != "" && stageRank(st.name) > stageRank(opts.Only) {
			continue
		}
		if st.name == StageExport && opts.DryRun {
			st.fn = rn.exportCounts // counts, writes nothing
		}
		if st.name != StageStage && st.name != StageEnrich { // enrich's hook ran before enrichWork
			if err := rn.before(ctx, st.name); err != nil {
				return err
			}
		}
		if err := st.fn(ctx, c); err != nil {
			return fmt.Errorf("stage %s: %w", st.name, err)
		}
	}
	return nil
}

// afterCommit does what follows the run's commit: the raw files of
// earlier runs go (nothing points at them now), the staged exports are
// swapped in, and the retention purge (AfterCommit) runs.
func (rn *run) afterCommit(ctx context.Context, c *sqlConn) error {
	if err := warehouse.CleanRaw(ctx, c, rn.Config.Warehouse); err != nil {
		return fmt.Errorf("remove earlier raw files: %w", err)
	}
	if err := rn.swapExports(ctx, c); err != nil {
		return err
	}
	if rn.AfterCommit != nil {
		t0 := time.Now()
		n, err := rn.AfterCommit(ctx, c, rn.started)
		if err != nil {
			return fmt.Errorf("retention purge: %w", err)
		}
		rn.report.add(StageRow{Stage: "purge", Step: "retention", RowsIn: n, RowsOut: 0, Duration: time.Since(t0),
			Note: fmt.Sprintf("%d rows older than their source's retention deleted", n)})
	}
	return nil
}

// referenceAndStage loads the run's lookup tables and stages the sources
// in the run's first transaction (stageTransaction).
func (rn *run) referenceAndStage(ctx context.Context, c *sqlConn, bg func() (context.Context, context.CancelFunc)) error {
	if err := rn.loadReference(ctx, c); err != nil {
		return fmt.Errorf("reference tables: %w", err)
	}
	return rn.stageTransaction(ctx, c, bg)
}
