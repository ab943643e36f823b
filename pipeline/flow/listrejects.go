package flow

import (
	"context"
)

// collectListRejects stores the lines of a suppression list that were
// rejected while it was hashed in the rejects table at once (never their
// content: raw_line stays NULL), on the hashing's connection, and counts
// them into pl. (The run's stage transaction began before they were
// known and would not see a scratch table's rows; appends to one table
// from two connections do not conflict.) A list with rejected lines is
// not fingerprinted: the next run reads it, and counts them, again.
func (rn *run) collectListRejects(ctx context.Context, c *sqlConn, name string, scan *scanSQL, pl *preparedList) error {
	if err := rn.storeRejects(ctx, c, name, scan, true); err != nil {
		return err
	}
	n, first, err := rn.rejectSummary(ctx, c, name)
	if err != nil {
		return err
	}
	pl.read, pl.rejected, pl.firstRejects = true, n, first
	if n > 0 {
		pl.fingerprint = ""
	}
	return nil
}

// keepListRejects waits for every suppression list's hashing and checks
// its rejected lines (in the stage, so that the run stops before
// anything is exported). A list with any rejected line stops
// the run before anything is exported, unless the list sets its own
// max_reject_rate and stays within it (config.RejectLimit): a dropped
// unsubscribe is a breach.
func (rn *run) keepListRejects(ctx context.Context, c *sqlConn) error {
	if rn.lists == nil {
		return nil
	}
	for _, name := range rn.Config.SourceOrder {
		pl, ok := rn.lists.lists[name]
		if !ok {
			continue
		}
		select {
		case <-pl.ready:
		case <-ctx.Done():
			return ctx.Err()
		}
		if pl.err != nil || !pl.read {
			continue // syncLists reports the error
		}
		if pl.rejected > 0 {
			rn.Log.Warn().Str("source", name).Int64("rejected", pl.rejected).Str("first", pl.firstRejects).
				Msg("suppression list lines rejected (kept in table rejects without their content)")
		}
		src := rn.Config.Sources[name]
		if err := rn.rejectRateError(name, src, pl.rejected, pl.in+pl.rejected, pl.firstRejects); err != nil {
			return err
		}
	}
	return nil
}
