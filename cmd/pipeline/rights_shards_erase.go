package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/rights"
	"github.com/example/pipeline/pipeline/shard"
	"github.com/example/pipeline/pipeline/warehouse"
)

// eraseShards erases each subject in every warehouse of a sharded
// deployment (cfgs, shardConfigs) in turn, holding every shard's lock
// throughout, and prints one merged result per subject
// (rights.MergeEraseResults). Before a real erasure the part files of
// sharded runs not yet committed are removed (shard.RemoveUncommitted):
// they may hold the subject, and a later commit-run would export them.
func eraseShards(ctx context.Context, cfgs []*config.Config, subs []rights.Subject, opts rights.EraseOptions, format string, log zerolog.Logger, stdout, stderr io.Writer) error {
	for _, sc := range cfgs {
		lk, err := warehouse.WaitLock(ctx, sc.Warehouse, "pipeline erase", stderr)
		if err != nil {
			return fmt.Errorf("erase: %s: %w (nothing erased in the shards after it)", sc.Warehouse, err)
		}
		defer lk.Unlock()
		defer anchorAfter(ctx, stderr, sc.Warehouse)
	}
	if !opts.DryRun {
		removed, err := shard.RemoveUncommitted(cfgs[0])
		for _, p := range removed {
			log.Warn().Str("dir", p).Msg("removed the part files of a sharded run not yet committed: run its shards again")
		}
		if err != nil {
			return fmt.Errorf("erase: part files of uncommitted sharded runs: %w; remove them by hand, then run erase again", err)
		}
	}
	opts.DeferCompact = len(subs) > 1 && !opts.DryRun
	now := time.Now() // one time for every shard's tombstone and audit entry
	opts.Now = func() time.Time { return now }
	for _, sub := range subs {
		t0 := time.Now()
		// the identity hop across shards: each shard's erasure follows what
		// the subject's rows in every shard give
		seeded, err := rights.SeedAcrossShards(ctx, cfgs, sub, rights.FindOptions{Deep: opts.Deep, Connectors: opts.Connectors, Log: opts.Log})
		if err != nil {
			return fmt.Errorf("erase subject_key %s: %w", sub.Key, err)
		}
		var all []*rights.EraseResult
		for _, sc := range cfgs {
			res, err := rights.Erase(ctx, sc, seeded, opts)
			if err != nil {
				return fmt.Errorf("erase subject_key %s: %s: %w", sub.Key, sc.Warehouse, err)
			}
			all = append(all, res)
		}
		res := rights.MergeEraseResults(all)
		if err := res.Write(stdout, format); err != nil {
			return err
		}
		log.Info().Str("subject_key", sub.Key).Bool("dry_run", res.DryRun).Int("shards", len(cfgs)).
			Int("files", len(res.Files)).Int("recipients", len(res.Notices)).Dur("duration_ms", time.Since(t0)).Msg("erasure")
	}
	if !opts.DeferCompact {
		return nil
	}
	for _, sc := range cfgs {
		if err := rights.Compact(ctx, sc); err != nil {
			return fmt.Errorf("erase: rewrite the warehouse %s: %w", sc.Warehouse, err)
		}
		for _, sub := range subs {
			if err := rights.FinishCompacted(sc, sub.Key, time.Now()); err != nil {
				return fmt.Errorf("erase subject_key %s: %w", sub.Key, err)
			}
		}
	}
	fmt.Fprintf(stdout, "warehouses rewritten once for %d erasures: no erased value is left in them\n", len(subs))
	return nil
}
