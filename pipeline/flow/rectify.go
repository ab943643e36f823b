package flow

import "context"

// applyRectifications replaces the sources' values in prospects_work by
// the corrections data subjects asked for, right after enrich_prospects
// built it and before anything reads it (enrich_rectify.sql).
func (rn *run) applyRectifications(ctx context.Context, c *sqlConn) error {
	return rn.exec(ctx, c, "enrich_rectify", nil, nil)
}
