package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	flag "github.com/spf13/pflag"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/shard"
)

// shardWarehouseFlag is the hidden flag acrossShards gives a command body
// to run it against one shard's warehouse.
const shardWarehouseFlag = "shard-warehouse"

var shardSuffix = regexp.MustCompile(`^\.shard-(\d+)-of-(\d+)$`)

// shardWarehouses lists the warehouses a rights command must search on a
// sharded deployment (docs/sharding.md): every shard warehouse beside
// cfg.Warehouse (<warehouse>.shard-I-of-N), and the unsharded warehouse
// too when it exists. nil: the deployment is not sharded. A set of N
// shards with one missing is an error (fail closed: the subjects it held
// cannot be answered for).
func shardWarehouses(cfg *config.Config) ([]string, error) {
	matches, err := filepath.Glob(cfg.Warehouse + ".shard-*-of-*")
	if err != nil {
		return nil, err
	}
	sets := map[int]map[int]string{}
	for _, m := range matches {
		sm := shardSuffix.FindStringSubmatch(strings.TrimPrefix(m, cfg.Warehouse))
		if sm == nil {
			continue
		}
		i, _ := strconv.Atoi(sm[1])
		n, _ := strconv.Atoi(sm[2])
		if sets[n] == nil {
			sets[n] = map[int]string{}
		}
		sets[n][i] = m
	}
	if len(sets) == 0 {
		return nil, nil
	}
	var out []string
	if _, err := os.Stat(cfg.Warehouse); err == nil {
		out = append(out, cfg.Warehouse)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("warehouse %s: %w", cfg.Warehouse, err)
	}
	ns := make([]int, 0, len(sets))
	for n := range sets {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	for _, n := range ns {
		for i := 0; i < n; i++ {
			p, ok := sets[n][i]
			if !ok {
				return nil, fmt.Errorf("shard warehouse %s.shard-%d-of-%d is missing while others of its %d shards exist: the subjects it held cannot be searched, so nothing is answered (restore it; if this sharding is retired, move all its shard-*-of-%d warehouses away)",
					cfg.Warehouse, i, n, n, n)
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// onShard is cfg for one of its shard warehouses (the hidden
// --shard-warehouse flag): only a warehouse shardWarehouses lists.
func onShard(cfg *config.Config, path string) (*config.Config, error) {
	if path == cfg.Warehouse {
		return cfg, nil
	}
	sm := shardSuffix.FindStringSubmatch(strings.TrimPrefix(path, cfg.Warehouse))
	if !strings.HasPrefix(path, cfg.Warehouse) || sm == nil {
		return nil, usagef("--%s %s: not a shard warehouse of %s", shardWarehouseFlag, path, cfg.Warehouse)
	}
	out := *cfg
	out.Warehouse = path
	out.Engine.TempDirectory = filepath.Join(cfg.Engine.TempDirectory, strings.TrimPrefix(sm[0], "."))
	return &out, nil
}

// shardConfigs are the configurations of every warehouse a rights
// command visits (shardWarehouses); nil when the deployment is not
// sharded.
func shardConfigs(cfg *config.Config) ([]*config.Config, error) {
	paths, err := shardWarehouses(cfg)
	if err != nil || paths == nil {
		return nil, err
	}
	out := make([]*config.Config, len(paths))
	for i, p := range paths {
		if out[i], err = onShard(cfg, p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// acrossShards runs a command that changes one warehouse (restrict,
// object, purge, ...) against every warehouse of a sharded deployment
// in turn, each shard's output under its name; unsharded, it is the
// command itself. Every shard is visited even when one fails; the first
// error is returned.
func acrossShards(b body) body { return shardsDo(b, nil) }

// discardingParts is acrossShards for a command that changes who may be
// exported (restrict, object, a suppression added): when
// changes(args) says it will change something, the part files of
// sharded runs not yet committed are removed first (they were written
// before the change; committing them would export what it forbids).
func discardingParts(b body, changes func(args []string) bool) body { return shardsDo(b, changes) }

// always is discardingParts' changes for a command without a dry run.
func always([]string) bool { return true }

func shardsDo(b body, changes func([]string) bool) body {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		if _, probe := stderr.(*flagProbe); probe {
			return b(ctx, args, stdout, stderr)
		}
		cfg, err := configOf(args)
		if err != nil {
			return b(ctx, args, stdout, stderr) // the command reports it
		}
		paths, err := shardWarehouses(cfg)
		if err != nil {
			return err
		}
		if paths == nil {
			return b(ctx, args, stdout, stderr)
		}
		if changes != nil && changes(args) {
			removed, err := shard.RemoveUncommitted(cfg)
			for _, p := range removed {
				fmt.Fprintf(stderr, "removed %s: part files of a sharded run not yet committed, written before this change; run its shards again\n", p)
			}
			if err != nil {
				return fmt.Errorf("part files of uncommitted sharded runs: %w; remove them by hand, then run the command again", err)
			}
		}
		var first error
		for _, p := range paths {
			var out bytes.Buffer
			err := b(ctx, append(append([]string{}, args...), "--"+shardWarehouseFlag+"="+p), &out, stderr)
			fmt.Fprintf(stdout, "== %s ==\n%s", filepath.Base(p), out.String())
			if err != nil && first == nil {
				first = err
			}
		}
		return first
	}
}

// configOf loads the config a command's arguments name (-f), ignoring
// every other flag.
func configOf(args []string) (*config.Config, error) {
	fs, c := newFlags("config", io.Discard)
	fs.ParseErrorsWhitelist = flag.ParseErrorsWhitelist{UnknownFlags: true}
	fs.Usage = func() {}
	if err := fs.Parse(longDashes(fs, args)); err != nil {
		return nil, err
	}
	return c.load()
}
