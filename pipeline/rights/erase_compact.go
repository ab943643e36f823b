package rights

import (
	"context"
	"errors"
	"fmt"
	"os"
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
