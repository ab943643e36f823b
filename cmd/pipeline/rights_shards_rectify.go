package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/rights"
	"github.com/example/pipeline/pipeline/shard"
	"github.com/example/pipeline/pipeline/warehouse"
)

// rectifyShards corrects a subject on a sharded deployment (cfgs,
// shardConfigs), holding every shard's lock: when no shard holds anything
// about the subject it records nothing and fails as an unsharded rectify
// does; otherwise the correction is recorded in every shard, also those
// that hold nothing yet (a later run may stage the subject there: the
// vendor's value must not come back), and each shard's answer is printed
// under its name. With --yes, the part files of uncommitted sharded runs
// are removed first (written before the correction).
func rectifyShards(ctx context.Context, cfgs []*config.Config, sub rights.Subject, set []rights.Correction, opts rights.RectifyOptions, stdout, stderr io.Writer) error {
	for _, sc := range cfgs {
		lk, err := warehouse.WaitLock(ctx, sc.Warehouse, "pipeline rectify", stderr)
		if err != nil {
			return fmt.Errorf("rectify: %s: %w (nothing corrected)", sc.Warehouse, err)
		}
		defer lk.Unlock()
		defer anchorAfter(ctx, stderr, sc.Warehouse)
	}
	held := false
	for _, sc := range cfgs {
		dry := opts
		dry.DryRun = true
		_, err := rights.Rectify(ctx, sc, sub, set, dry)
		if err == nil {
			held = true
			break
		}
		if !errors.Is(err, rights.ErrNotHeld) {
			return fmt.Errorf("rectify subject_key %s: %s: %w", sub.Key, sc.Warehouse, err)
		}
	}
	if !held {
		return notHeld(sub.Key)
	}
	if !opts.DryRun {
		removed, err := shard.RemoveUncommitted(cfgs[0])
		for _, p := range removed {
			opts.Log.Warn().Str("dir", p).Msg("removed the part files of a sharded run not yet committed: run its shards again")
		}
		if err != nil {
			return fmt.Errorf("rectify: part files of uncommitted sharded runs: %w; remove them by hand, then run rectify again", err)
		}
	}
	opts.Everywhere = true
	for _, sc := range cfgs {
		res, err := rights.Rectify(ctx, sc, sub, set, opts)
		if err != nil {
			return fmt.Errorf("rectify subject_key %s: %s: %w", sub.Key, sc.Warehouse, err)
		}
		fmt.Fprintf(stdout, "== %s ==\n", filepath.Base(sc.Warehouse))
		res.Write(stdout)
	}
	if opts.DryRun {
		return usagef("refusing to rectify without --yes (the above is what would change)")
	}
	return nil
}
