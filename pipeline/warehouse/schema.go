package warehouse

import (
	"context"
	"time"

	"github.com/example/pipeline/pipeline/engine"
)

// EnsureSchema creates the warehouse's own tables when missing (and moves
// a subject_seen table from before into its files, ensureSeen), and drops
// what a crashed run staged but never swapped in (see CleanRaw): it may
// hold personal data that no catalog, SAR or erasure knows about. A
// warehouse written by an earlier version is marked for scrubbing
// (scrub.go).
// It also settles runs whose process died (recoverRuns): their staged
// exports are rolled forward or back and their rows marked 'crashed'.
// Callers hold the warehouse lock, so no run is using them.
func EnsureSchema(ctx context.Context, db *engine.DB) error {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	earlier, err := earlierVersion(ctx, c)
	if err != nil {
		return err
	}
	// one transaction: a crash cannot leave scrub_pending created for a
	// warehouse of an earlier version without its mark
	err = engine.InTx(ctx, c, func() error {
		if err := engine.ExecScript(ctx, c, "schema", nil, nil); err != nil || !earlier {
			return err
		}
		return MarkScrub(ctx, c, ScrubEarlierVersion)
	})
	if err != nil {
		return err
	}
	if err := CleanRaw(ctx, c, db.Settings().Path); err != nil {
		return err
	}
	if err := ensureSeen(ctx, c, db.Settings().Path); err != nil {
		return err
	}
	return recoverRuns(ctx, c, db.Settings().Path, time.Now().UTC())
}
