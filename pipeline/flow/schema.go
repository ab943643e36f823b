package flow

import (
	"context"
	"fmt"

	"github.com/example/pipeline/pipeline/engine"
)

// EnsureSchema creates the warehouse's own tables when missing, and drops
// raw tables a crashed run staged but never swapped in (raw_*__next): they
// may hold personal data that no catalog, SAR or erasure knows about.
// Callers hold the warehouse lock, so no run is using them.
func EnsureSchema(ctx context.Context, db *engine.DB) error {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := execScript(ctx, c, "schema", nil, nil); err != nil {
		return err
	}
	rows, err := c.QueryContext(ctx, `SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main'
		AND table_name LIKE 'raw\_%' ESCAPE '\' AND suffix(table_name, $1)`, nextSuffix)
	if err != nil {
		return err
	}
	var left []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		left = append(left, t)
	}
	rows.Close()
	for _, t := range left {
		if _, err := c.ExecContext(ctx, "DROP TABLE "+engine.Quote(t)); err != nil {
			return fmt.Errorf("drop %s left by a crashed run: %w", t, err)
		}
	}
	return rows.Err()
}
