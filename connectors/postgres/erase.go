package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/example/pipeline/connectors"
)

// lookupTarget resolves the sink's table for Locate and Erase. It returns
// ok=false when the table does not exist (nothing was exported there, so
// nothing is held), and an error when it exists without a subject_key
// column, since then the sink cannot answer for a subject at all.
func lookupTarget(ctx context.Context, conn *pgx.Conn, t tableName) (tableName, bool, error) {
	var schema, name *string
	var hasKey bool
	err := conn.QueryRow(ctx, `SELECT n.nspname, c.relname,
		EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
		         AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.oid = to_regclass($1)`, t.sql(), subjectKeyColumn).Scan(&schema, &name, &hasKey)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, fmt.Errorf("look up table: %w", err)
	}
	t = tableName{schema: *schema, name: *name}
	if !hasKey {
		return t, false, fmt.Errorf("table %s has no %s column: export subject_key to make it locatable and erasable", t, subjectKeyColumn)
	}
	return t, true, nil
}

// Locate implements connectors.Locator: the number of rows of the sink's
// table whose subject_key equals subjectKey, as one Location (none when
// there are no such rows or the table does not exist yet). It fails when
// the table has no subject_key column.
func (s *Sink) Locate(ctx context.Context, opts connectors.Options, subjectKey string) ([]connectors.Location, error) {
	o, err := parseSinkOptions(opts)
	if err != nil {
		return nil, err
	}
	if subjectKey == "" {
		return nil, errors.New("postgres locate: empty subject key")
	}
	conn, err := connect(ctx, o.dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres locate: %w", err)
	}
	defer closeConn(conn)
	t, ok, err := lookupTarget(ctx, conn, o.table)
	if err != nil || !ok {
		return nil, wrapRedacted("postgres locate", err, o.dsn)
	}
	var n int64
	err = conn.QueryRow(ctx, "SELECT count(*) FROM "+t.sql()+" WHERE "+quoteIdent(subjectKeyColumn)+" = $1", subjectKey).Scan(&n)
	if err != nil {
		return nil, wrapRedacted("postgres locate: table "+t.String(), err, o.dsn)
	}
	if n == 0 {
		return nil, nil
	}
	return []connectors.Location{{Place: t.String(), Rows: n}}, nil
}

// Erase implements connectors.Eraser: it deletes every row of the sink's
// table whose subject_key equals subjectKey and returns how many it
// deleted. Idempotent: a second call, or a table that does not exist,
// deletes 0. It fails when the table has no subject_key column.
func (s *Sink) Erase(ctx context.Context, opts connectors.Options, subjectKey string) (int64, error) {
	o, err := parseSinkOptions(opts)
	if err != nil {
		return 0, err
	}
	if subjectKey == "" {
		return 0, errors.New("postgres erase: empty subject key")
	}
	conn, err := connect(ctx, o.dsn)
	if err != nil {
		return 0, fmt.Errorf("postgres erase: %w", err)
	}
	defer closeConn(conn)
	t, ok, err := lookupTarget(ctx, conn, o.table)
	if err != nil || !ok {
		return 0, wrapRedacted("postgres erase", err, o.dsn)
	}
	tag, err := conn.Exec(ctx, "DELETE FROM "+t.sql()+" WHERE "+quoteIdent(subjectKeyColumn)+" = $1", subjectKey)
	if err != nil {
		return 0, wrapRedacted("postgres erase: table "+t.String(), err, o.dsn)
	}
	return tag.RowsAffected(), nil
}

// wrapRedacted prefixes a redacted err with context; nil stays nil.
func wrapRedacted(prefix string, err error, dsn string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", prefix, redact(err, dsn))
}
