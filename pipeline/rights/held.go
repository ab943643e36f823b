package rights

import (
	"context"
	"database/sql"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// held is a privacy command's hold on one warehouse: the database opened
// for privacy commands, one connection, and what Find found there for the
// subject. The caller holds the warehouse lock and closes it.
type held struct {
	db *engine.DB
	c  *sql.Conn
	f  *Findings
}

// openAndFind opens cfg's warehouse for a privacy command and finds s in
// it (opts.DB is set to the opened database). On error nothing stays open.
func openAndFind(ctx context.Context, cfg *config.Config, s Subject, opts FindOptions) (*held, error) {
	db, err := warehouse.OpenLocked(ctx, cfg, warehouse.Privacy)
	if err != nil {
		return nil, err
	}
	c, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	opts.DB = db
	f, err := Find(ctx, c, cfg, s, opts)
	if err != nil {
		c.Close()
		db.Close()
		return nil, err
	}
	return &held{db: db, c: c, f: f}, nil
}

// Close closes the connection, then the database.
func (h *held) Close() {
	h.c.Close()
	h.db.Close()
}
