package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/example/pipeline/pipeline/engine"
)

// The chain alone proves that no entry was edited, removed from its middle
// or reordered, but not that entries were deleted from its end: a log cut
// to nothing verifies. Its head (seq and hash) is therefore anchored
// outside audit_log, in two places:
//   - the sidecar file <warehouse>.audit-head (0600), moved to the new head
//     by every command that appends, after its write committed (Anchor);
//   - every run's record (runs.audit_seq, runs.audit_hash): the head when
//     the run started.
//
// VerifyAnchored requires the log to still hold each anchor's entry, with
// the anchored hash. Anchor never moves the sidecar when an anchor no
// longer matches the log, so the evidence survives later appends. Who can
// rewrite both the warehouse and the sidecar beside it can still cut the
// log unseen; copy the sidecar elsewhere when that matters.

// Head is the newest entry of the chain: its seq and hash (0 and "" for
// an empty log).
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// HeadPath is the sidecar file anchoring the head of the warehouse's log.
func HeadPath(warehouse string) string { return warehouse + ".audit-head" }

// Tail returns the head of the log in db.
func Tail(ctx context.Context, db Execer) (Head, error) {
	var h Head
	if err := db.QueryRowContext(ctx, engine.MustRender("audit_last", nil)).Scan(&h.Seq, &h.Hash); err != nil {
		return Head{}, fmt.Errorf("audit: read chain tail: %w", err)
	}
	return h, nil
}

// ReadHead reads the sidecar file at path; ok is false when there is none.
func ReadHead(path string) (h Head, ok bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Head{}, false, nil
	}
	if err != nil {
		return Head{}, false, fmt.Errorf("audit: head anchor: %w", err)
	}
	if err := json.Unmarshal(b, &h); err != nil || h.Seq < 0 || (h.Seq > 0) != (h.Hash != "") {
		return Head{}, true, fmt.Errorf("%w: head anchor %s is not readable", ErrTampered, path)
	}
	return h, true, nil
}

// writeHead replaces the sidecar at path with h (0600), by rename.
func writeHead(path string, h Head) error {
	b, _ := json.Marshal(h) // cannot fail: an int and a string
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("audit: head anchor: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err == nil {
		_, err = tmp.Write(append(b, '\n'))
		if err == nil {
			err = tmp.Sync()
		}
		err = errors.Join(err, tmp.Close())
		if err == nil {
			err = os.Rename(tmp.Name(), path)
		}
		if err == nil {
			return nil
		}
	} else {
		tmp.Close()
	}
	return fmt.Errorf("audit: head anchor %s: %w", path, err)
}

// anchor is a head recorded outside the log and where it was found.
type anchor struct {
	Head
	where string
}

// anchors returns the sidecar's head (if any) and the newest run's.
func anchors(ctx context.Context, db Execer, warehouse string) (list []anchor, sidecar bool, err error) {
	path := HeadPath(warehouse)
	h, ok, err := ReadHead(path)
	if err != nil {
		return nil, ok, err
	}
	if ok {
		list = append(list, anchor{h, path})
	}
	has, err := runAnchorColumns(ctx, db)
	if err != nil {
		return nil, ok, fmt.Errorf("audit: run anchors: %w", err)
	}
	if has {
		var r Head
		err := db.QueryRowContext(ctx, engine.MustRender("audit_run_anchor", nil)).Scan(&r.Seq, &r.Hash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, ok, fmt.Errorf("audit: run anchors: %w", err)
		default:
			list = append(list, anchor{r, "the runs table"})
		}
	}
	return list, ok, nil
}

// runAnchorColumns reports whether db has a runs table with the audit
// head columns.
func runAnchorColumns(ctx context.Context, db Execer) (bool, error) {
	var has bool
	if err := db.QueryRowContext(ctx, engine.MustRender("audit_runs_exists", nil)).Scan(&has); err != nil || !has {
		return false, err
	}
	err := db.QueryRowContext(ctx, engine.MustRender("audit_run_anchor_exists", nil)).Scan(&has)
	return has, err
}

// check fails (ErrTampered) unless the log still holds a's entry with a's hash.
func (a anchor) check(ctx context.Context, db Execer, tail Head) error {
	if a.Seq == 0 {
		return nil
	}
	var hash string
	err := db.QueryRowContext(ctx, engine.MustRender("audit_at", nil), a.Seq).Scan(&hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: %s records the log reaching seq %d, but the log has no seq %d (it ends at seq %d): entries were deleted or the log truncated",
			ErrTampered, a.where, a.Seq, a.Seq, tail.Seq)
	case err != nil:
		return fmt.Errorf("audit: check anchor: %w", err)
	case hash != a.Hash:
		return fmt.Errorf("%w: seq %d does not have the hash %s records: the log was rewritten from seq %d on",
			ErrTampered, a.Seq, a.where, a.Seq)
	}
	return nil
}

// Anchor moves the sidecar anchor to the log's current head, creating it
// on a warehouse's first append. Call it after the appends committed and
// while holding the warehouse lock. It refuses (ErrTampered), leaving the
// sidecar as it is, when an existing anchor no longer matches the log.
func Anchor(ctx context.Context, db Execer, warehouse string) error {
	if warehouse == "" {
		return nil
	}
	var has bool
	if err := db.QueryRowContext(ctx, engine.MustRender("audit_exists", nil)).Scan(&has); err != nil || !has {
		return err
	}
	tail, err := Tail(ctx, db)
	if err != nil {
		return err
	}
	list, _, err := anchors(ctx, db, warehouse)
	if err != nil {
		return err
	}
	for _, a := range list {
		if err := a.check(ctx, db, tail); err != nil {
			return err
		}
		if a.where == HeadPath(warehouse) && a.Head == tail {
			return nil
		}
	}
	return writeHead(HeadPath(warehouse), tail)
}

// AnchorFile is Anchor for a caller that holds no open handle: it opens
// the warehouse read-only. A warehouse that does not exist has nothing to
// anchor.
func AnchorFile(ctx context.Context, warehouse string) error {
	if _, err := os.Stat(warehouse); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	db, err := engine.Open(ctx, engine.Settings{Path: warehouse, ReadOnly: true, Threads: 1})
	if err != nil {
		return err
	}
	defer db.Close()
	return Anchor(ctx, db, warehouse)
}

// VerifyAnchored is Verify, then the anchors: the log must still hold the
// entry each anchor records, with its hash. A log with entries and no
// sidecar anchor fails too: nothing then shows that its end is complete.
func VerifyAnchored(ctx context.Context, db Execer, warehouse string) (int, error) {
	n, err := Verify(ctx, db)
	if err != nil {
		return n, err
	}
	tail, err := Tail(ctx, db)
	if err != nil {
		return n, err
	}
	list, sidecar, err := anchors(ctx, db, warehouse)
	if err != nil {
		return n, err
	}
	for _, a := range list {
		if err := a.check(ctx, db, tail); err != nil {
			return n, err
		}
	}
	if !sidecar && n > 0 {
		return n, fmt.Errorf("%w: the head anchor %s is missing, so entries deleted from the end of the log could not be seen "+
			"(every command that appends writes it; if this warehouse predates it, any audited command, e.g. `pipeline query \"SELECT 1\"`, creates it)",
			ErrTampered, HeadPath(warehouse))
	}
	return n, nil
}
