package main

import (
	"errors"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/flow"
	"github.com/example/pipeline/pipeline/shard"
)

// shardFlags are run's --shard I/N and --run-id (docs/sharding.md).
type shardFlags struct{ shard, runID *string }

func addShardFlags(fs interface {
	String(name, value, usage string) *string
}) shardFlags {
	return shardFlags{
		shard: fs.String("shard", "", "run shard I of N of a sharded run (I/N, from 0): only the companies and people whose domain hashes to I; exports go to the run's parts folder until pipeline commit-run (docs/sharding.md)"),
		runID: fs.String("run-id", "", "with --shard: the sharded run's id, the same for all N shards (e.g. the scheduler's run id); pipeline commit-run takes it"),
	}
}

// shardedRun makes the run one shard when --shard was given: it checks
// the flags against opts, returns the shard's configuration (its own
// warehouse, exports redirected, shard.Apply), sets opts.Shard, records
// the shard as running, and returns the function that records how it
// ended. Unsharded: cfg and a no-op.
func (f shardFlags) shardedRun(cfg *config.Config, opts *flow.Options) (*config.Config, func(*flow.Report, error) error, error) {
	if *f.shard == "" {
		if *f.runID != "" {
			return nil, nil, usagef("--run-id is for sharded runs: give --shard I/N too")
		}
		return cfg, func(_ *flow.Report, runErr error) error { return runErr }, nil
	}
	if opts.DryRun || opts.Only != "" {
		return nil, nil, usagef("--shard runs every step and writes its part files: not with --dry-run or --until")
	}
	spec, err := shard.Parse(*f.shard, *f.runID)
	if err != nil {
		return nil, nil, usagef("%s", err.Error())
	}
	scfg, err := shard.Apply(cfg, spec)
	if err != nil {
		return nil, nil, usagef("%s", err.Error())
	}
	opts.Shard = &spec
	if err := spec.WriteStatus(cfg.Warehouse, shard.Status{Status: shard.StatusRunning, Updated: time.Now().UTC()}); err != nil {
		return nil, nil, err
	}
	done := func(rep *flow.Report, runErr error) error {
		st := shard.Status{Status: shard.StatusSucceeded, Updated: time.Now().UTC(), Exports: map[string]int64{}}
		if rep != nil {
			st.ShardRunID = rep.RunID
			for _, e := range rep.Exports {
				st.Exports[e.Export] = e.Rows
			}
		}
		if runErr != nil || rep == nil || rep.Status != "succeeded" {
			st.Status, st.Exports = shard.StatusFailed, nil
			if runErr != nil {
				st.Error = runErr.Error()
			}
		}
		return errors.Join(runErr, spec.WriteStatus(cfg.Warehouse, st))
	}
	return scfg, done, nil
}
