package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/example/pipeline/pipeline/rights"
	"github.com/example/pipeline/pipeline/warehouse"
)

// sarShards answers a SAR on a sharded deployment: every shard's
// warehouse is opened (each waits for its lock as an unsharded SAR does;
// a missing one fails, shardWarehouses) and searched, and the findings
// are merged into one report (rights.AccessShards). On an unsharded
// deployment it returns an env without a report and opens nothing.
func sarShards(ctx context.Context, c *common, sub rights.Subject, deep bool, stderr io.Writer) (*rightsEnv, error) {
	log, err := c.logger(stderr)
	if err != nil {
		return nil, err
	}
	cfg, err := c.loadDeferred() // the predicate is checked on the first warehouse opened
	if err != nil {
		return nil, err
	}
	cfgs, err := shardConfigs(cfg)
	if err != nil || cfgs == nil {
		return &rightsEnv{cfg: cfg, log: log}, err
	}
	env := &rightsEnv{cfg: cfg, log: log, stderr: stderr}
	var shards []rights.ShardConn
	for _, sc := range cfgs {
		w, err := warehouse.Open(ctx, sc, warehouse.Privacy, "pipeline sar", stderr)
		if err != nil {
			env.close()
			return nil, fmt.Errorf("sar: %s: %w (nothing is answered: every shard must be searched)", sc.Warehouse, err)
		}
		conn, err := w.DB.Conn(ctx)
		if err != nil {
			w.Close()
			env.close()
			return nil, err
		}
		env.shards = append(env.shards, &rightsEnv{cfg: sc, log: log, wh: w, db: w.DB, conn: conn, stderr: stderr, lightClose: true})
		if err := cfg.CheckTargeting(ctx, conn); err != nil {
			env.close()
			return nil, err
		}
		shards = append(shards, rights.ShardConn{Config: sc, Conn: conn, DB: w.DB})
	}
	conns, err := c.conns(cfg, stderr)
	if err != nil {
		env.close()
		return nil, err
	}
	env.rep, err = rights.AccessShards(ctx, shards, cfg, sub, rights.FindOptions{Deep: deep, Connectors: conns, Log: log}, time.Now())
	if err != nil {
		env.close()
		return nil, fmt.Errorf("sar: %w", err)
	}
	return env, nil
}
