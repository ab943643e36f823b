package flow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// executor runs a list of stages on one connection. It owns the run's
// transactions and what runs alongside the stages:
//
//  1. the lookup tables (loadReference), on the connection, no transaction;
//  2. each firstTx part, in a transaction of its own, committed once the
//     configuration check running alongside has passed;
//  3. the background classification starts (when classify is in the
//     list) with what those parts committed (classifiesAhead);
//  4. each betweenTx part, autocommitted; its datasets join the
//     background classification;
//  5. the run's transaction: every stage's Run in list order, then every
//     beforeCommit part; COMMIT (a dry run rolls back instead);
//  6. every afterCommit part in list order, then the retention purge
//     (Runner.AfterCommit).
//
// The test hook and progress (run.before) see each stage once, before
// its first part. A failed, interrupted or dry run leaves the warehouse
// and the exports as they were: execute's clean-up rolls back and drops
// what the run staged.
type executor struct {
	env  *stageEnv
	list []Stage
	// begun: the stages whose first part has run (the hook ran)
	begun map[string]bool
	// rec, when set, makes this the recording executor of `pipeline
	// validate` (Validate, plan): transaction statements are recorded,
	// not run; a planner's Plan stands in for its first part, a
	// runPlanner's PlanRun for its Run; nothing runs alongside and
	// nothing after the commit.
	rec *recorder
	// diags: what a planner found wrong (the walk stops at errPlanned)
	diags config.Diagnostics
}

// errPlanned stops a recording executor's walk at the first stage that
// found something wrong in the configuration (executor.diags).
var errPlanned = errors.New("flow: the plan found problems")

// tx runs (or, recording, records) a transaction statement.
func (ex *executor) tx(ctx context.Context, stmt string) error {
	if ex.rec != nil {
		ex.rec.mu.Lock()
		defer ex.rec.mu.Unlock()
		ex.rec.steps = append(ex.rec.steps, PlanStep{SQL: stmt})
		return nil
	}
	_, err := ex.env.c.ExecContext(ctx, stmt)
	return err
}

// begin marks the start of a stage's next part: the hook and progress on
// its first, the stage's name in the logs on every one.
func (ex *executor) begin(ctx context.Context, s Stage) error {
	if ex.rec != nil {
		ex.rec.mu.Lock()
		ex.rec.stage = s.Name()
		ex.rec.mu.Unlock()
	}
	if ex.begun[s.Name()] {
		ex.env.rn.stageName = s.Name()
		return nil
	}
	ex.begun[s.Name()] = true
	return ex.env.rn.before(ctx, s.Name())
}

// part runs one part of stage s, its error naming the stage. Recording,
// a planner's Plan runs instead of its first part.
func (ex *executor) part(ctx context.Context, s Stage, fn func(context.Context, *stageEnv) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	first := !ex.begun[s.Name()]
	if err := ex.begin(ctx, s); err != nil {
		return err
	}
	if p, ok := s.(planner); ok && ex.rec != nil && first {
		diags, err := p.Plan(ctx, ex.env)
		if err == nil && len(diags) > 0 {
			ex.diags, err = diags, errPlanned
		}
		return err
	}
	if err := fn(ctx, ex.env); err != nil {
		return fmt.Errorf("stage %s: %w", s.Name(), err)
	}
	return nil
}

// execute runs a run's stages (the ones up to opts.Only; the ones
// --select reruns: executeSelect) as executor describes; it returns
// errDryRun after a dry run.
func (rn *run) execute(ctx context.Context, opts Options) (err error) {
	c, err := rn.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	defer rn.startWatch(ctx, c)() // (before c closes)
	env := &stageEnv{rn: rn, c: c, opts: opts}
	committed := false
	defer func() {
		cctx, cancel := cleanupContext(ctx)
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
		committed, err = rn.executeSelect(ctx, env)
		return err
	}
	ex := &executor{env: env, list: stagesUpTo(opts.Only), begun: map[string]bool{}}
	if err := rn.loadReference(ctx, c); err != nil {
		return fmt.Errorf("reference tables: %w", err)
	}
	if err := ex.firstTransactions(ctx); err != nil {
		return err
	}
	if stop := ex.startClassification(ctx); stop != nil {
		defer stop()
	}
	if err := ex.betweenTransactions(ctx); err != nil {
		return err
	}
	committed, err = ex.runTransaction(ctx, func(s Stage) func(context.Context, *stageEnv) error { return s.Run })
	if err != nil || !committed {
		return err
	}
	return ex.afterCommit(ctx)
}

// cleanupContext is the context of the work that follows a failed or
// interrupted run: not cancelled with the run, bounded.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
}

// firstTransactions runs every firstTx part in a transaction of its own
// (see firstTx for what a failure commits).
func (ex *executor) firstTransactions(ctx context.Context) error {
	rn, c := ex.env.rn, ex.env.c
	for _, s := range ex.list {
		ft, ok := s.(firstTx)
		if !ok {
			continue
		}
		if err := ex.tx(ctx, "BEGIN TRANSACTION"); err != nil {
			return err
		}
		if ex.rec != nil {
			if err := ex.part(ctx, s, ft.FirstTx); err != nil {
				return err
			}
			if err := ex.tx(ctx, "COMMIT"); err != nil {
				return err
			}
			continue
		}
		if err := ex.begin(ctx, s); err != nil {
			return err
		}
		if err := ft.FirstTx(ctx, ex.env); err != nil {
			// keep the rejects that explain the failure (unless the
			// configuration did not validate: then nothing stays); the
			// staged tables committed with them are dropped by execute's
			// clean-up
			cctx, cancel := cleanupContext(ctx)
			defer cancel()
			if verr := rn.validation(); verr != nil {
				return verr // execute's clean-up rolls back
			}
			if _, cerr := c.ExecContext(cctx, "COMMIT"); cerr != nil {
				_, _ = c.ExecContext(cctx, "ROLLBACK")
			}
			return fmt.Errorf("stage %s: %w", s.Name(), err)
		}
		if verr := rn.validation(); verr != nil {
			return verr // execute's clean-up rolls back
		}
		if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
			return fmt.Errorf("stage %s: commit: %w", s.Name(), err)
		}
	}
	return nil
}

// startClassification starts the background classification when the
// classify stage is in the list, with what the firstTx parts committed;
// the returned func stops it (nil: none started).
func (ex *executor) startClassification(ctx context.Context) func() {
	rn := ex.env.rn
	if ex.rec != nil || !ex.has(StageClassify) {
		return nil
	}
	rn.bgClass = rn.startClassification(ctx)
	for _, s := range ex.list {
		if _, ok := s.(firstTx); ok {
			ex.classifyAhead(s)
		}
	}
	return rn.bgClass.stop
}

func (ex *executor) has(name string) bool {
	for _, s := range ex.list {
		if s.Name() == name {
			return true
		}
	}
	return false
}

// classifyAhead hands s's committed datasets to the background
// classification, if one runs.
func (ex *executor) classifyAhead(s Stage) {
	if a, ok := s.(classifiesAhead); ok && ex.env.rn.bgClass != nil {
		ex.env.rn.bgClass.add(a.Ahead(ex.env)...)
	}
}

// betweenTransactions runs every betweenTx part, autocommitted.
func (ex *executor) betweenTransactions(ctx context.Context) error {
	for _, s := range ex.list {
		bt, ok := s.(betweenTx)
		if !ok {
			continue
		}
		if err := ex.part(ctx, s, bt.BetweenTx); err != nil {
			return err
		}
		ex.classifyAhead(s)
	}
	return nil
}

// runTransaction runs, in one transaction, part(s) of every stage in the
// list (nil: the stage has no such part), then every beforeCommit part,
// and commits; a dry run rolls back (errDryRun). committed reports
// whether the transaction committed.
func (ex *executor) runTransaction(ctx context.Context, part func(Stage) func(context.Context, *stageEnv) error) (committed bool, err error) {
	rn, c := ex.env.rn, ex.env.c
	if err := ex.tx(ctx, "BEGIN TRANSACTION"); err != nil {
		return false, err
	}
	defer func() {
		if !committed && ex.rec == nil {
			cctx, cancel := cleanupContext(ctx)
			defer cancel()
			if _, rerr := c.ExecContext(cctx, "ROLLBACK"); rerr != nil {
				err = errors.Join(err, fmt.Errorf("rollback: %w", rerr))
			}
		}
	}()
	for _, s := range ex.list {
		if fn := part(s); fn != nil {
			if err := ex.part(ctx, s, fn); err != nil {
				return false, err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if ex.env.opts.DryRun {
		return false, errDryRun
	}
	t0 := time.Now()
	for _, s := range ex.list {
		if bc, ok := s.(beforeCommit); ok {
			if err := bc.BeforeCommit(ctx, ex.env); err != nil {
				return false, err
			}
		}
	}
	if ex.rec != nil {
		return true, ex.tx(ctx, "COMMIT")
	}
	t1 := time.Now()
	ckErr, err := engine.CommitWithoutFSST(ctx, c)
	if err != nil {
		return false, fmt.Errorf("commit: %w", err)
	}
	if ckErr != nil {
		rn.Log.Warn().Err(ckErr).Msg("checkpoint after the commit failed; the run is committed and the next checkpoint writes it")
	}
	rn.Log.Debug().Dur("promote_ms", t1.Sub(t0)).Dur("took_ms", time.Since(t1)).Msg("committed")
	return true, nil
}

// afterCommit runs every afterCommit part in list order, then the
// retention purge (Runner.AfterCommit), still under the run's lock.
func (ex *executor) afterCommit(ctx context.Context) error {
	rn := ex.env.rn
	for _, s := range ex.list {
		if ac, ok := s.(afterCommit); ok {
			if err := ac.AfterCommit(ctx, ex.env); err != nil {
				return err
			}
		}
	}
	if rn.AfterCommit == nil {
		return nil
	}
	t0 := time.Now()
	n, err := rn.AfterCommit(ctx, ex.env.c, rn.started)
	if err != nil {
		return fmt.Errorf("retention purge: %w", err)
	}
	rn.report.add(StageRow{Stage: "purge", Step: "retention", RowsIn: n, RowsOut: 0, Duration: time.Since(t0),
		Note: fmt.Sprintf("%d rows older than their source's retention deleted", n)})
	return nil
}

// plan walks the list as a run would, recording (executor.rec): the
// firstTx parts, the betweenTx parts, then the run's transaction. It
// stops at the first stage that finds something wrong (errPlanned, with
// executor.diags) or cannot be checked (its error).
func (ex *executor) plan(ctx context.Context) error {
	if err := ex.firstTransactions(ctx); err != nil {
		return err
	}
	if err := ex.betweenTransactions(ctx); err != nil {
		return err
	}
	_, err := ex.runTransaction(ctx, func(s Stage) func(context.Context, *stageEnv) error {
		if rp, ok := s.(runPlanner); ok {
			return rp.PlanRun
		}
		return s.Run
	})
	return err
}
