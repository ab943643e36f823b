package rights

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/durable"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

func compactPath(warehouse string) string { return warehouse + ".erase-compact" }

// compact checkpoints the warehouse and rewrites it into a fresh file
// (COPY FROM DATABASE) that replaces the old one by rename: DuckDB leaves
// deleted values in free blocks, a fresh file has none.
func compact(ctx context.Context, cfg *config.Config) error {
	tmp := compactPath(cfg.Warehouse)
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	db, err := engine.Open(ctx, warehouse.Settings(cfg, warehouse.Privacy))
	if err != nil {
		return err
	}
	err = func() error {
		c, err := db.DB.Conn(ctx)
		if err != nil {
			return err
		}
		defer c.Close()
		if _, err := c.ExecContext(ctx, "CHECKPOINT"); err != nil {
			return err
		}
		var name string
		if err := c.QueryRowContext(ctx, engine.SQL("current_database")).Scan(&name); err != nil {
			return err
		}
		if err := engine.ExecScript(ctx, c, "erase_compact", map[string]string{"Path": tmp, "Database": name}, nil); err != nil {
			return fmt.Errorf("compact: %w", err)
		}
		return nil
	}()
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := durable.Sync(tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, cfg.Warehouse); err != nil {
		return err
	}
	_ = os.Remove(cfg.Warehouse + ".wal")
	return nil
}

// Compact rewrites the warehouse file so that no erased value is left in
// its free blocks (the last step of an erasure; see DeferCompact).
func Compact(ctx context.Context, cfg *config.Config) error { return compact(ctx, cfg) }

// FinishCompacted records, after Compact, that the deferred erasure of
// subjectKey is complete. A job that is not waiting for compaction is left
// alone.
func FinishCompacted(cfg *config.Config, subjectKey string, now time.Time) error {
	j, err := loadJournal(cfg.Warehouse, subjectKey)
	if err != nil || j == nil {
		return err
	}
	for _, st := range Steps {
		if st != StepCompact && !j.done(st) {
			return nil
		}
	}
	j.Done[StepCompact] = now.UTC().Format(time.RFC3339Nano)
	t := now.UTC()
	j.FinishedAt = &t
	return j.save()
}

// scrubReasons says why the erasure must rewrite the warehouse file
// (compact): none when the rows it deleted from the file held nothing but
// pseudonymous keys (lineage; the subject's rows in files beside it were
// rewritten without them) and nothing else may have left personal values
// in its free blocks (warehouse.ScrubPending). Rejects, rectifications,
// rows of a table in the file, or a count this function does not know,
// need the rewrite: when in doubt, scrub.
func scrubReasons(ctx context.Context, c *sql.Conn, j *Journal) ([]string, error) {
	why, err := warehouse.ScrubPending(ctx, c)
	if err != nil {
		return nil, err
	}
	inFiles, err := warehouse.RawLayouts(ctx, c)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(j.Counts))
	for k := range j.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if j.Counts[k] == 0 {
			continue
		}
		table, isTable := strings.CutPrefix(k, "table:")
		_, file := inFiles[table]
		switch {
		case isTable && file, k == "lineage", k == "subject_seen", k == "tombstone_added",
			strings.HasPrefix(k, "export_"), strings.HasPrefix(k, "sink:"):
		default:
			why = append(why, fmt.Sprintf("%s: %d rows deleted from the warehouse file", k, j.Counts[k]))
		}
	}
	return why, nil
}
