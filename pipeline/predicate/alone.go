package predicate

import (
	"context"

	"github.com/example/pipeline/pipeline/engine"
)

// CheckAlone is Check on an in-memory DuckDB of its own, sandboxed, which
// is closed afterwards.
func CheckAlone(ctx context.Context, expr string) ([]Problem, error) {
	db, err := engine.Open(ctx, engine.Settings{Threads: 1})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	c, err := db.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if err := engine.Sandbox(ctx, c, nil); err != nil {
		return nil, err
	}
	return Check(ctx, c, expr)
}
