package flow

import (
	"context"

	"github.com/example/pipeline/pipeline/engine"
)

// EnsureSchema creates the warehouse's own tables when missing.
func EnsureSchema(ctx context.Context, db *engine.DB) error {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return execScript(ctx, c, "schema", nil, nil)
}
