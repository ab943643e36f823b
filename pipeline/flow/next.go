package flow

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// promote points each raw_<source> view at the files this run staged and
// records them in raw_files (inside the run's write transaction).
func (rn *run) promote(ctx context.Context, c *sqlConn) error {
	for _, name := range rn.Config.SourceOrder {
		info := rn.sources[name]
		if info == nil || info.Layout == nil {
			continue
		}
		if err := warehouse.PromoteLayout(ctx, c, *info.Layout); err != nil {
			return fmt.Errorf("replace %s: %w", info.Table, err)
		}
		if err := warehouse.DropRelation(ctx, c, info.Staged); err != nil {
			return fmt.Errorf("replace %s: %w", info.Table, err)
		}
	}
	return nil
}

// dropNext drops the views and files this run staged, subject_seen's
// included (and, for a dry run,
// its rejects) after a run that did not commit, and marks the warehouse
// file for scrubbing (warehouse.MarkScrub).
func (rn *run) dropNext(ctx context.Context, c *sqlConn, dry bool) error {
	var errs []error
	for _, info := range rn.sources {
		if info.Layout != nil {
			errs = append(errs, warehouse.DropRelation(ctx, c, info.Staged), os.RemoveAll(info.Layout.Dir))
		}
	}
	if rn.seenDir != "" { // subject_seen's generation this run wrote (seen.go)
		errs = append(errs, os.RemoveAll(rn.seenDir))
	}
	for _, dir := range rn.keyedDirs { // prospects' and deliverable's (storeKeyed)
		errs = append(errs, os.RemoveAll(dir))
	}
	if dry {
		_, err := c.ExecContext(ctx, engine.SQL("rejects_drop_run"), rn.id)
		errs = append(errs, err)
	}
	// what it wrote and did not commit (rejects), or the dry run's rejects
	// just deleted, may be in the warehouse file's free blocks
	errs = append(errs, warehouse.MarkScrub(ctx, c, warehouse.ScrubRunNotCommitted))
	return errors.Join(errs...)
}

// storeKeyed stores the temp relation from, which the stage's SQL left,
// as the keyed table table (prospects, deliverable): its files for this
// run, read by the view from this transaction on (warehouse.StoreKeyed).
// `pipeline validate` (in memory) keeps it a table.
func (rn *run) storeKeyed(ctx context.Context, c *sqlConn, table, from string) error {
	wh := rn.Config.Warehouse
	if recorderOf(ctx) != nil {
		wh = ""
		record(ctx, "keyed_store", engine.MustRender("keyed_store", warehouse.KeyedStore{Table: table, From: from, Dir: "files", Compression: rawCodec(rn.Config)}))
	}
	dir, err := warehouse.StoreKeyed(ctx, c, wh, table, from, rn.id, rawCodec(rn.Config))
	if dir != "" {
		rn.keyedDirs = append(rn.keyedDirs, dir)
	}
	return err
}
