// Package engine owns the DuckDB handle: settings from config, the
// normalisation functions DuckDB calls, SQL rendering from the embedded
// templates in sql/, and identifier quoting.
package engine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/duckdb/duckdb-go/v2"
)

// Settings configure one DuckDB database.
type Settings struct {
	Path          string // warehouse file; "" for in-memory
	Threads       int
	MemoryLimit   string // e.g. "4GB"
	TempDirectory string
	ReadOnly      bool
}

// DB is an open warehouse. Use Conn for work that needs temp tables or a
// transaction: they live on one connection.
type DB struct {
	*sql.DB
	connector *duckdb.Connector
	settings  Settings
	erased    erasedSet  // for pl_stage_email; see SetErasedEmails
	expired   erasedSet  // for pl_stage_email; see SetExpiredEmails
	subjects  subjectSet // pl_stage_email's keys; see CollectSubjects
	// funcs is set once the pl_* functions are in the database's catalog
	// (see registerFunctions)
	funcs atomic.Bool
}

// Open opens (creating if needed, 0600 in a 0700 folder) the warehouse.
// Extension autoinstall and autoload are switched off: nothing is ever
// downloaded at run time.
func Open(ctx context.Context, s Settings) (*DB, error) {
	dsn := ""
	if s.Path != "" {
		if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
			return nil, fmt.Errorf("warehouse folder: %w", err)
		}
		dsn = s.Path
		if s.ReadOnly {
			dsn += "?access_mode=READ_ONLY"
		}
	}
	if s.TempDirectory != "" {
		if err := os.MkdirAll(s.TempDirectory, 0o700); err != nil {
			return nil, fmt.Errorf("temp_directory: %w", err)
		}
	}
	init := func(execer driver.ExecerContext) error {
		script, err := Render("engine_open", s)
		if err != nil {
			return err
		}
		for _, q := range Statements(script) {
			if _, err := execer.ExecContext(ctx, q, nil); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	}
	c, err := duckdb.NewConnector(dsn, init)
	if err != nil {
		return nil, fmt.Errorf("open warehouse %s: %w", s.Path, friendlyLockError(err))
	}
	db := &DB{DB: sql.OpenDB(c), connector: c, settings: s}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open warehouse %s: %w", s.Path, friendlyLockError(err))
	}
	if s.Path != "" && !s.ReadOnly {
		_ = os.Chmod(s.Path, 0o600)
	}
	return db, nil
}

// ErrLocked means another process holds the warehouse file.
var ErrLocked = errors.New("engine: warehouse is in use by another process")

func friendlyLockError(err error) error {
	if err != nil && strings.Contains(err.Error(), "Could not set lock on file") {
		return fmt.Errorf("%w (%v)", ErrLocked, err)
	}
	return err
}

// Close closes the database.
func (db *DB) Close() error {
	err := db.DB.Close()
	if db.connector != nil {
		err = errors.Join(err, db.connector.Close())
	}
	return err
}

// Settings returns the settings the database was opened with.
func (db *DB) Settings() Settings { return db.settings }

// Conn returns one connection with the pipeline's functions registered.
func (db *DB) Conn(ctx context.Context) (*sql.Conn, error) {
	c, err := db.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if err := registerFunctions(ctx, c, db); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// CommitWithoutFSST commits c's transaction and checkpoints what it
// wrote without FSST string compression, then turns FSST back on: the
// tables it wrote are checkpointed faster and take more room until a later
// checkpoint (an erasure's compaction) rewrites them with FSST.
// err is the COMMIT's; checkpoint is the CHECKPOINT's after a commit that
// succeeded (the data is committed either way: the WAL holds it and the
// next checkpoint, at the latest closing the database, writes it).
// FSST is a database-wide setting: nothing else may checkpoint meanwhile.
func CommitWithoutFSST(ctx context.Context, c *sql.Conn) (checkpoint, err error) {
	err = withoutFSST(ctx, c, func() error {
		if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
			return err
		}
		_, checkpoint = c.ExecContext(ctx, "CHECKPOINT")
		return nil
	})
	return checkpoint, err
}

// CheckpointWithoutFSST checkpoints the database without FSST string
// compression, then turns FSST back on: for a command that has committed
// a few rows (a SAR's audit entry) and is about to close the database,
// whose closing checkpoint would otherwise build FSST symbol tables for
// the tables it touched. Those take more room until a later checkpoint
// rewrites them with FSST. The data is committed before (the WAL holds
// it); an error leaves it to the next checkpoint, at the latest closing
// the database. FSST is a database-wide setting: nothing else may
// checkpoint meanwhile.
func CheckpointWithoutFSST(ctx context.Context, c *sql.Conn) error {
	return withoutFSST(ctx, c, func() error {
		_, err := c.ExecContext(ctx, "CHECKPOINT")
		return err
	})
}

// withoutFSST runs fn with FSST string compression off, then turns it
// back on (even when ctx is cancelled).
func withoutFSST(ctx context.Context, c *sql.Conn, fn func() error) error {
	if _, err := c.ExecContext(ctx, SQL("fsst_off")); err != nil {
		return err
	}
	defer func() { _, _ = c.ExecContext(context.WithoutCancel(ctx), SQL("fsst_on")) }()
	return fn()
}

// RowGroupRows is the number of rows in a row group of a DuckDB table
// (DuckDB's default, which the engine keeps): the unit a scan skips by its
// min/max statistics.
const RowGroupRows = 122880

// SortForLookups reports whether n rows about to be appended to a table
// are worth inserting in key order so that later lookups by that key skip
// row groups by their min/max. Only a batch that fills more than one row
// group gains: rows that fit in one row group give it the whole key range
// in any order, and sorting them would only cost time.
func SortForLookups(n int64) bool { return n > RowGroupRows }

// Quote quotes a SQL identifier for DuckDB: the one place identifiers from
// config become SQL.
func Quote(ident string) string {
	return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"`
}

// Literal quotes a string literal. Use it only where DuckDB cannot bind a
// parameter (SET statements, COPY options); values otherwise go through
// bound parameters.
func Literal(s string) string {
	return `'` + strings.ReplaceAll(s, `'`, `''`) + `'`
}

// Params are named SQL parameters ($name in the .sql files), bound with
// Args.
type Params map[string]any

// Args returns p as sql.Named arguments.
func (p Params) Args() []any {
	out := make([]any, 0, len(p))
	for k, v := range p {
		out = append(out, sql.Named(k, v))
	}
	return out
}
