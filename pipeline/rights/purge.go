package rights

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// PurgeChange is what retention removes (or would remove) from one source.
type PurgeChange struct {
	Source    string    `json:"source"`
	Table     string    `json:"table"`
	Retention string    `json:"retention"`
	Cutoff    time.Time `json:"cutoff"`
	Rows      int64     `json:"rows"`
	// RejectsCutoff: the source's rejected lines older than this go
	// (limits.rejects_retention, or the source's retention if shorter).
	RejectsCutoff time.Time `json:"rejects_cutoff"`
	Rejects       int64     `json:"rejects"`
	// ExpiredSubjects: the source's subjects whose retention, counted
	// from when they were first staged from it, has run out (flow/seen.go);
	// their rows are among Rows.
	ExpiredSubjects int64 `json:"expired_subjects"`
}

// OtherRejects names the change that purges the rejects of sources no
// longer configured and of `suppress import`.
const OtherRejects = "(other rejects)"

// Purge deletes, for every source with a retention, the rows of
// raw_<source> loaded before Retention.Cutoff(now) and, for a people
// source, the rows of the subjects whose retention from it has run out
// (warehouse.ExpiredSubjects, marked expired in subject_seen by
// warehouse.ExpireSeen, a new generation of its files promoted in the
// transaction: the source's later files do not stage them again;
// rows without an email of their own are refused by the next run's
// stage); and for every source
// its quarantined lines past Config.RejectsCutoff (those of sources not
// configured past limits.rejects_retention), in one transaction, and writes an
// audit entry (action "purge", counts only). prospects and deliverable
// are rebuilt from the sources by every run, exports replaced by it.
//
// The run calls Purge at its end (on its own connection, under its lock);
// `pipeline purge` calls it under the warehouse lock. c needs the pl_*
// functions (engine.DB.Conn).
func Purge(ctx context.Context, c *sql.Conn, cfg *config.Config, now time.Time) (_ []PurgeChange, err error) {
	changes, err := purge(ctx, c, cfg, now, false)
	if err != nil {
		return nil, err
	}
	counts := map[string]any{}
	for _, ch := range changes {
		counts[ch.Source] = map[string]any{"rows": ch.Rows, "rejects": ch.Rejects, "cutoff": ch.Cutoff.Format(time.RFC3339), "expired_subjects": ch.ExpiredSubjects}
	}
	if err := audit.EnsureTable(ctx, c); err != nil {
		return nil, err
	}
	if _, err := audit.Append(ctx, c, audit.Entry{At: now, Action: "purge", Details: map[string]any{"sources": counts}}); err != nil {
		return nil, err
	}
	return changes, nil
}

// PurgePlan reports what Purge would delete, changing nothing.
func PurgePlan(ctx context.Context, c *sql.Conn, cfg *config.Config, now time.Time) ([]PurgeChange, error) {
	return purge(ctx, c, cfg, now, true)
}

func purge(ctx context.Context, c *sql.Conn, cfg *config.Config, now time.Time, dry bool) (_ []PurgeChange, err error) {
	var exists map[string]bool
	if exists, err = tableSet(ctx, c); err != nil {
		return nil, err
	}
	layouts, err := warehouse.RawLayouts(ctx, c)
	if err != nil {
		return nil, err
	}
	expired := map[string][]string{}
	for _, name := range cfg.SourceOrder {
		if expired[name], err = warehouse.ExpiredSubjects(ctx, c, cfg.Sources[name], now); err != nil {
			return nil, err
		}
	}
	// raw files first, outside the transaction: each file is replaced by
	// rename, so a crash leaves it whole and a re-run purges what is left
	rawPurged := map[string]int64{}
	for _, name := range cfg.SourceOrder {
		src := cfg.Sources[name]
		l, ok := layouts[warehouse.RawTable(name)]
		if src.Retention.IsZero() || src.Role == "suppression" || !ok {
			continue
		}
		exists[l.Table] = true
		if !dry {
			if rawPurged[l.Table], err = purgeRaw(ctx, c, l, src.Retention.Cutoff(now).UTC(), expired[name]); err != nil {
				return nil, fmt.Errorf("purge %s: %w", name, err)
			}
		}
	}
	var seen seenExpiry
	if !dry {
		if seen, err = expireSeen(ctx, c, cfg, now); err != nil {
			return nil, err
		}
		defer func() { err = errors.Join(err, seen.finish(err == nil)) }()
		if _, err := c.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				_, _ = c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			}
		}()
		if err = seen.promote(ctx, c); err != nil {
			return nil, err
		}
	}
	changes := []PurgeChange{}
	for _, name := range cfg.SourceOrder {
		src := cfg.Sources[name]
		ch := PurgeChange{Source: name, Table: warehouse.RawTable(name), Retention: period(src.Retention), RejectsCutoff: cfg.RejectsCutoff(src, now).UTC(),
			ExpiredSubjects: int64(len(expired[name]))}
		if !src.Retention.IsZero() && src.Role != "suppression" {
			ch.Cutoff = src.Retention.Cutoff(now).UTC()
			if ch.Rows, err = purgeRows(ctx, c, ch, rawPurged, exists, dry, expired[name]); err != nil {
				return nil, err
			}
		}
		if ch.Rejects, err = purgeRejects(ctx, c, params{"cutoff": ch.RejectsCutoff, "source": name}, false, dry); err != nil {
			return nil, fmt.Errorf("purge %s rejects: %w", name, err)
		}
		changes = append(changes, ch)
	}
	other := PurgeChange{Source: OtherRejects, Retention: period(cfg.Limits.RejectsRetention), RejectsCutoff: cfg.RejectsCutoff(nil, now).UTC()}
	if other.Rejects, err = purgeRejects(ctx, c, params{"cutoff": other.RejectsCutoff, "sources": cfg.SourceOrder}, true, dry); err != nil {
		return nil, fmt.Errorf("purge other rejects: %w", err)
	}
	changes = append(changes, other)
	if !dry {
		if _, err = c.ExecContext(ctx, "COMMIT"); err != nil {
			return nil, err
		}
	}
	return changes, nil
}

// purgeRows deletes (or counts, dry) a source's staged rows before ch.Cutoff;
// rows of raw files already purged by purgeRaw are taken from rawPurged.
func purgeRows(ctx context.Context, c *sql.Conn, ch PurgeChange, rawPurged map[string]int64, exists map[string]bool, dry bool, expired []string) (int64, error) {
	if n, ok := rawPurged[ch.Table]; ok {
		return n, nil
	}
	if !exists[ch.Table] {
		return 0, nil
	}
	p, data := expiredParams(ch.Cutoff, expired, "") // a table of an older warehouse: its next run replaces it
	data["Table"] = ch.Table
	if !dry {
		n, err := execT(ctx, c, "purge_source", data, p)
		if err == nil && n > 0 {
			// their values stay in the file's free blocks until an erasure scrubs it
			err = warehouse.MarkScrub(ctx, c, warehouse.ScrubPurged)
		}
		if err != nil {
			return 0, fmt.Errorf("purge %s: %w", ch.Source, err)
		}
		return n, nil
	}
	q, err := render("purge_count", data)
	if err != nil {
		return 0, err
	}
	var n int64
	if err := c.QueryRowContext(ctx, q, p.Args()...).Scan(&n); err != nil {
		return 0, fmt.Errorf("purge %s: %w", ch.Source, err)
	}
	return n, nil
}

// purgeRejects deletes (or counts, dry) rejected lines past p's cutoff:
// one source's, or (others) those of every source not configured.
func purgeRejects(ctx context.Context, c *sql.Conn, p params, others, dry bool) (int64, error) {
	data := map[string]any{"Dry": dry, "Others": others}
	if !dry {
		n, err := execT(ctx, c, "purge_rejects", data, p)
		if err == nil && n > 0 {
			// their lines stay in the file's free blocks until an erasure scrubs it
			err = warehouse.MarkScrub(ctx, c, warehouse.ScrubRejectsDeleted)
		}
		return n, err
	}
	q, err := render("purge_rejects", data)
	if err != nil {
		return 0, err
	}
	var n int64
	err = c.QueryRowContext(ctx, q, p.Args()...).Scan(&n)
	return n, err
}

// expiredParams are the parameters and template data of the purge SQL:
// rows loaded before cutoff go, and with expired subjects (a people
// source's, found through its email column) their rows too.
func expiredParams(cutoff time.Time, expired []string, email string) (params, map[string]any) {
	p, data := params{"cutoff": cutoff}, map[string]any{"Expired": len(expired) > 0 && email != "", "Email": email}
	if data["Expired"] == true {
		p["expired"] = expired
	}
	return p, data
}

// purgeRaw rewrites each raw file of l holding rows loaded before cutoff,
// or rows of the expired subjects, without them and returns how many
// rows went.
func purgeRaw(ctx context.Context, c *sql.Conn, l warehouse.RawLayout, cutoff time.Time, expired []string) (int64, error) {
	files, err := warehouse.RawFiles(l)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, file := range files {
		p, data := expiredParams(cutoff, expired, l.BucketColumn)
		data["Compression"] = l.Compression
		q, err := render("purge_raw_count", data)
		if err != nil {
			return total, err
		}
		p["file"] = file
		var old int64
		if err := c.QueryRowContext(ctx, q, p.Args()...).Scan(&old); err != nil {
			return total, fmt.Errorf("%s: %w", file, err)
		}
		delete(p, "file")
		if old == 0 {
			continue
		}
		if _, _, err := rewriteRaw(ctx, c, "purge_raw", data, p, file, func(int64) bool { return true }); err != nil {
			return total, fmt.Errorf("%s: %w", file, err)
		}
		total += old
	}
	return total, nil
}

func tableSet(ctx context.Context, c *sql.Conn) (map[string]bool, error) {
	rows, err := c.QueryContext(ctx, engine.SQL("main_tables"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out[t] = true
	}
	return out, rows.Err()
}
