package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/example/pipeline/pipeline/engine"
)

// The warehouse file holds no personal value but pseudonymous keys
// (subject_key, hashes) outside two small tables, rejects and
// rectifications: raw rows, prospects, deliverable and subject_seen are
// files beside it. DuckDB leaves deleted values in the file's free blocks,
// so an erasure that deleted rejects or rectifications rewrites the file
// (rights' compaction). Table scrub_pending records every other way such
// values may have reached free blocks, each in the transaction that
// caused it (MarkScrub): rejects purged, dropped or erased, a run that did
// not commit or ended without finishing (its uncommitted rejects), tables
// of an earlier version replaced, rows of such a table purged, deleted or
// corrected, a warehouse from an earlier version. An
// erasure with no row there that deleted only keys (lineage) has nothing
// to scrub; the compaction's fresh copy starts with no row. A new way of
// deleting personal values from the file must call MarkScrub.

// Reasons for MarkScrub.
const (
	ScrubRejectsDeleted  = "rejects deleted"
	ScrubRunNotCommitted = "a run did not commit"
	ScrubTableReplaced   = "a table of an earlier version replaced by files"
	ScrubEarlierVersion  = "the warehouse file was written by an earlier version"
	// an erasure deleted rejects or corrections: marked in its
	// transaction, so that a re-run after a crash before its journal
	// recorded the counts still rewrites the file
	ScrubErased = "an erasure deleted rejects or corrections"
	// rows of a table kept in the file (an earlier version's prospects or
	// deliverable, until its next run) deleted or corrected by a right:
	// erasure, restriction, objection, rectification
	ScrubTableRowsDeleted = "rows of a table in the warehouse file deleted or corrected"
	// a purge deleted rows of a table kept in the file (an earlier
	// version's raw table, until its next run replaces it)
	ScrubPurged = "rows of a table in the warehouse file purged"
	// suppress remove / unobject deleted entries, whose note or the
	// evidence beside them a person typed (it may name someone)
	ScrubSuppressionDeleted = "suppression entries deleted by hand"
)

// Execer is a connection or a transaction (MarkScrub writes in either).
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// MarkScrub records that the warehouse file may hold personal values in
// its free blocks, for reason (sql/scrub_mark.sql); in c's transaction,
// if it has one.
func MarkScrub(ctx context.Context, c Execer, reason string) error {
	p := engine.Params{"reason": reason, "now": time.Now().UTC()}
	if _, err := c.ExecContext(ctx, engine.SQL("scrub_mark"), p.Args()...); err != nil {
		return fmt.Errorf("scrub_pending: %w", err)
	}
	return nil
}

// ScrubPending lists why the warehouse file may hold personal values in
// its free blocks (none: it holds none).
func ScrubPending(ctx context.Context, c *sql.Conn) ([]string, error) {
	rows, err := c.QueryContext(ctx, engine.SQL("scrub_list"))
	if err != nil {
		return nil, fmt.Errorf("scrub_pending: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// earlierVersion reports, before the schema is ensured, whether the
// warehouse was written by a version without scrub_pending: it has the
// runs table but not that one.
func earlierVersion(ctx context.Context, c *sql.Conn) (bool, error) {
	kind := func(name string) (string, error) {
		var k string
		err := c.QueryRowContext(ctx, engine.SQL("relation_kind"), name).Scan(&k)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return k, err
	}
	scrub, err := kind("scrub_pending")
	if err != nil || scrub != "" {
		return false, err
	}
	runs, err := kind("runs")
	return runs != "", err
}
