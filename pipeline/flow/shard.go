package flow

import (
	"context"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// The hooks of a sharded run (Options.Shard, pipeline/shard): what a
// shard stages, which shard keeps a source's rejects, and the names of
// its export files.

// shardedRole reports whether a source is split between the shards
// (companies and people); every other source is read whole by each.
func shardedRole(src *config.Source) bool {
	return src.Role == config.RoleCompanies || src.Role == config.RolePeople
}

// shardScan narrows stage_table.sql's scan to this shard's rows of a
// companies or people source (sql/shard_scan.sql) and binds the shard's
// parameters into p. Unsharded runs and other sources: scan unchanged.
func (rn *run) shardScan(scan engine.Scan, p params, src *config.Source, cols []column) engine.Scan {
	if rn.shard == nil || !shardedRole(src) {
		return scan
	}
	key := &engine.ShardScan{Scan: scan}
	for _, col := range cols {
		switch {
		case src.Role == config.RoleCompanies && col.Dst == "domain",
			src.Role == config.RolePeople && col.Dst == "company_domain":
			key.Domain = col.Src
		case src.Role == config.RolePeople && col.Dst == "email":
			key.Email = col.Src
		}
	}
	p["shard_i"], p["shard_n"] = rn.shard.I, rn.shard.N
	return engine.Scan{Shard: key}
}

// shardDropsRejects reports whether this run leaves a source's malformed
// lines to another shard: a line that cannot be read has no shard key,
// so shard 0 alone keeps (and reports) the rejects of a split source.
func (rn *run) shardDropsRejects(src *config.Source) bool {
	return rn.shard != nil && rn.shard.I != 0 && shardedRole(src)
}

// shardRejectBase is the line count a source's reject rate is taken
// over: the rows this run read (rowsIn), or in the shard that keeps the
// rejects of a split source, every shard's well-formed rows plus the
// rejects, so that the rate is the unsharded run's.
func (rn *run) shardRejectBase(ctx context.Context, c *sqlConn, src *config.Source, scan *scanSQL, rowsIn, rejected int64) (int64, error) {
	if rn.shard == nil || !shardedRole(src) {
		return rowsIn, nil
	}
	q, err := engine.Render("shard_source_rows", map[string]any{"Scan": scan.Probe})
	if err != nil {
		return 0, err
	}
	n, err := count(ctx, c, q, scan.Params.Args()...)
	if err != nil {
		return 0, scan.fail(err)
	}
	return n + rejected, nil
}

// shardParts gives a shard's export files under staging names no other
// shard of the run uses (shard.Spec.RenameParts), before their lineage is
// read back: the lineage names each file as it will be once committed.
func (rn *run) shardParts(staging string) error {
	if rn.shard == nil {
		return nil
	}
	return rn.shard.RenameParts(staging)
}
