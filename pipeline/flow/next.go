package flow

import (
	"context"
	"errors"
	"fmt"
	"os"

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
		l := info.Layout
		if err := warehouse.CreateRawView(ctx, c, info.Table, l.Dir); err != nil {
			return fmt.Errorf("replace %s: %w", info.Table, err)
		}
		if err := warehouse.DropRelation(ctx, c, info.Staged); err != nil {
			return fmt.Errorf("replace %s: %w", info.Table, err)
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"DELETE FROM raw_files WHERE table_name = $1", []any{l.Table}},
			{"INSERT INTO raw_files VALUES ($1, $2, $3, nullif($4, 0), nullif($5, ''), $6)",
				[]any{l.Table, l.Dir, l.RunID, l.Buckets, l.BucketColumn, l.Compression}},
		} {
			if _, err := c.ExecContext(ctx, q.sql, q.args...); err != nil {
				return fmt.Errorf("replace %s: %w", info.Table, err)
			}
		}
	}
	return nil
}

// dropNext drops the views and files this run staged (and, for a dry run,
// its rejects) after a run that did not commit.
func (rn *run) dropNext(ctx context.Context, c *sqlConn, dry bool) error {
	var errs []error
	for _, info := range rn.sources {
		if info.Layout != nil {
			errs = append(errs, warehouse.DropRelation(ctx, c, info.Staged), os.RemoveAll(info.Layout.Dir))
		}
	}
	if dry {
		_, err := c.ExecContext(ctx, "DELETE FROM rejects WHERE run_id = $1", rn.id)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
