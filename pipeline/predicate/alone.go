package predicate

import (
	"context"
	"database/sql"
	"sync"

	"github.com/example/pipeline/pipeline/engine"
)

// CheckAlone is Check on an in-memory DuckDB of its own, sandboxed, which
// is closed afterwards (on a goroutine: closing it changes nothing anyone
// waits for). The first call in a process takes the database opened
// beside the program's start-up (spare).
func CheckAlone(ctx context.Context, expr string) ([]Problem, error) {
	s, ok := takeSpare()
	if !ok || s.err != nil {
		s = openSandboxed(ctx)
	}
	if s.err != nil {
		return nil, s.err
	}
	defer func() { go s.close() }()
	return Check(ctx, s.c, expr)
}

// spare is an in-memory database for CheckAlone, opened and sandboxed at
// package init on a goroutine of its own: starting DuckDB takes
// milliseconds, and every command loads its config (and so checks the
// targeting predicate) before anything else. The first CheckAlone takes it
// (waiting for it if it is not ready yet); later calls open their own.
var spare = struct {
	mu    sync.Mutex
	taken bool
	ready chan sandboxed
}{ready: make(chan sandboxed, 1)}

func init() {
	go func() { spare.ready <- openSandboxed(context.Background()) }()
}

func takeSpare() (sandboxed, bool) {
	spare.mu.Lock()
	defer spare.mu.Unlock()
	if spare.taken {
		return sandboxed{}, false
	}
	spare.taken = true
	return <-spare.ready, true
}

// sandboxed is an in-memory database and its one sandboxed connection, or
// why it could not be opened.
type sandboxed struct {
	db  *engine.DB
	c   *sql.Conn
	err error
}

func openSandboxed(ctx context.Context) sandboxed {
	db, err := engine.Open(ctx, engine.Settings{Threads: 1})
	if err != nil {
		return sandboxed{err: err}
	}
	c, err := db.DB.Conn(ctx)
	if err == nil {
		err = engine.Sandbox(ctx, c, nil)
	}
	s := sandboxed{db: db, c: c}
	if err != nil {
		s.close()
		return sandboxed{err: err}
	}
	return s
}

func (s sandboxed) close() {
	if s.c != nil {
		s.c.Close()
	}
	if s.db != nil {
		s.db.Close()
	}
}
