package warehouse

import (
	"context"
	"errors"
	"io"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// Mode is how a command uses the warehouse.
type Mode int

const (
	// Run is `pipeline run`: the lock is taken at once or not at all
	// (ErrBusy), the warehouse is created when missing (Close can remove
	// what was created, see DiscardNew), read-write, schema ensured.
	Run Mode = iota
	// Privacy is a rights or suppression command: it waits for the lock
	// (a nightly run may hold it), read-write, schema ensured.
	Privacy
	// ReadOnly is a command that only reads (catalog): it waits for the
	// lock, opens the file read-only and changes nothing, schema included.
	ReadOnly
)

// Settings is the DuckDB configuration of the configured warehouse for
// mode: the only place engine settings are built from pipeline.yaml.
func Settings(cfg *config.Config, mode Mode) engine.Settings {
	return engine.Settings{Path: cfg.Warehouse, ReadOnly: mode == ReadOnly, Threads: cfg.Engine.Threads,
		MemoryLimit: cfg.Engine.MemoryLimit, TempDirectory: cfg.Engine.TempDirectory}
}

// Warehouse is an open warehouse and the lock that guards it.
type Warehouse struct {
	DB      *engine.DB
	lock    *Lock
	created createdFiles
	discard bool
}

// Open takes the warehouse lock as mode says (what names the holder for
// a waiting process; notify, if not nil, is told once that this one
// waits) and opens the warehouse (OpenLocked). Close releases both.
func Open(ctx context.Context, cfg *config.Config, mode Mode, what string, notify io.Writer) (*Warehouse, error) {
	var lk *Lock
	var err error
	if mode == Run {
		lk, err = TryLock(cfg.Warehouse, what)
	} else {
		lk, err = WaitLock(ctx, cfg.Warehouse, what, notify)
	}
	if err != nil {
		return nil, err
	}
	w := &Warehouse{lock: lk}
	if mode == Run {
		// (under the lock: no other run creates it meanwhile)
		w.created = newWarehouseFiles(cfg.Warehouse)
	}
	w.DB, err = OpenLocked(ctx, cfg, mode)
	if err != nil {
		return nil, errors.Join(err, lk.Unlock())
	}
	return w, nil
}

// OpenLocked opens the warehouse for a caller that holds its lock: with
// Settings(cfg, mode), and for Run and Privacy with its schema ensured
// (EnsureSchema: crashed runs settled, leftovers dropped).
func OpenLocked(ctx context.Context, cfg *config.Config, mode Mode) (*engine.DB, error) {
	db, err := engine.Open(ctx, Settings(cfg, mode))
	if err != nil {
		return nil, err
	}
	if mode == ReadOnly {
		return db, nil
	}
	if err := EnsureSchema(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// DiscardNew makes Close remove the warehouse files that Open created (a
// Run on a warehouse that did not exist): a run whose configuration did
// not validate leaves nothing behind.
func (w *Warehouse) DiscardNew() { w.discard = true }

// Close closes the database, removes the files Open created when
// DiscardNew was called, and releases the lock, in that order. Only the
// removal's error is returned: closing a DuckDB file and releasing a lock
// have nothing left for a caller to act on.
func (w *Warehouse) Close() error {
	w.DB.Close()
	var err error
	if w.discard {
		err = w.created.remove()
	}
	w.lock.Unlock()
	return err
}
