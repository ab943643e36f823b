package flow

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/example/pipeline/pipeline/engine"
)

// SubjectIndexTable names the subject index of a warehouse table (see
// pipeline/rights and sql/schema.sql).
func SubjectIndexTable(table string) string { return "subject_index__" + table }

// execer is what DropSubjectIndexes needs: a connection or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// DropSubjectIndexes drops every subject index and its state: a run
// replaces the tables they point into, and a compaction renumbers rows.
// Run it in the transaction that makes the change.
func DropSubjectIndexes(ctx context.Context, c execer) error {
	rows, err := c.QueryContext(ctx, `SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main'
		AND starts_with(table_name, 'subject_index__')`)
	if err != nil {
		return fmt.Errorf("subject index: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, n := range names {
		if _, err := c.ExecContext(ctx, "DROP TABLE "+engine.Quote(n)); err != nil {
			return fmt.Errorf("drop subject index %s: %w", n, err)
		}
	}
	if _, err := c.ExecContext(ctx, "DELETE FROM subject_index_state"); err != nil {
		return fmt.Errorf("subject index state: %w", err)
	}
	return nil
}
