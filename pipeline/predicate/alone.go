package predicate

import (
	"context"
	"database/sql"
	"sync"

	"github.com/example/pipeline/pipeline/engine"
)

// CheckAlone is Check on an in-memory DuckDB of its own, sandboxed, which
// is closed afterwards (on a goroutine: closing it changes nothing anyone
// waits for). The first call after Prewarm takes the database Prewarm
// opened.
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

// Prewarm opens and sandboxes, on a goroutine, the in-memory database the
// next CheckAlone takes (waiting for it if it is not ready yet): starting
// DuckDB takes milliseconds, and a command loads its config (and so
// checks the targeting predicate) before anything else, so a program
// calls Prewarm first thing. Later calls do nothing.
func Prewarm() {
	spare.mu.Lock()
	defer spare.mu.Unlock()
	if spare.ready != nil || spare.taken {
		return
	}
	spare.ready = make(chan sandboxed, 1)
	go func(ready chan<- sandboxed) { ready <- openSandboxed(context.Background()) }(spare.ready)
}

// spare is Prewarm's database until CheckAlone takes it.
var spare struct {
	mu    sync.Mutex
	taken bool
	ready chan sandboxed // nil: Prewarm was not called
}

func takeSpare() (sandboxed, bool) {
	spare.mu.Lock()
	defer spare.mu.Unlock()
	if spare.taken || spare.ready == nil {
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
