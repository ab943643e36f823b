package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/example/pipeline/connectors"
)

// Replace modes of the sink's replace option.
const (
	// ReplaceSwap (the default) loads a staging table and, in the same
	// transaction, drops the target and renames the staging table in its
	// place. The target is locked only for the swap, and a changed schema
	// just works; grants, extra indexes and views on the old table are not
	// kept (a view depending on it makes the swap fail: use truncate).
	ReplaceSwap = "swap"
	// ReplaceTruncate empties the existing table and COPYs into it in one
	// transaction, keeping its grants, indexes and dependent views. Readers
	// wait for the whole load; the table's columns must include the export's.
	ReplaceTruncate = "truncate"
)

// Sink writes an export into a PostgreSQL table, replacing its contents
// atomically: options dsn (required, secret), table (required, optionally
// schema-qualified; created when missing) and replace (swap|truncate,
// default swap). It also locates and erases rows by subject_key. A Sink
// holds no state; it is safe for concurrent use, though two concurrent
// writes to one table simply leave the later one in place.
type Sink struct{}

var (
	_ connectors.Sink    = (*Sink)(nil)
	_ connectors.Locator = (*Sink)(nil)
	_ connectors.Eraser  = (*Sink)(nil)
)

// NewSink returns the PostgreSQL sink.
func NewSink() *Sink { return &Sink{} }

// Describe implements connectors.Describer.
func (*Sink) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{
		Name: Name, Kind: connectors.KindSink, Version: Version,
		Capabilities: []string{connectors.CapArrowStream, connectors.CapLocate, connectors.CapErase},
		Options: []connectors.OptionSpec{
			{Name: "dsn", Type: "string", Required: true, Secret: true,
				Doc: "connection string, postgres://user:pass@host:5432/db or key=value; use ${ENV}"},
			{Name: "table", Type: "string", Required: true,
				Doc: "target table, optionally schema-qualified; created from the export's columns when missing"},
			{Name: "replace", Type: "string",
				Doc: "swap (default: load a staging table, then drop+rename in one transaction) or truncate (keep the table, its grants and views)"},
		},
	}, nil
}

// sinkOptions are a Sink's parsed options.
type sinkOptions struct {
	dsn     string
	table   tableName
	replace string
}

func parseSinkOptions(opts connectors.Options) (sinkOptions, error) {
	dsn, err := requireDSN(opts)
	if err != nil {
		return sinkOptions{}, err
	}
	o := sinkOptions{dsn: dsn, replace: ReplaceSwap}
	raw := strings.TrimSpace(opts.String("table"))
	if raw == "" {
		return o, badOption("table", "required")
	}
	if o.table, err = parseTable(raw); err != nil {
		return o, badOption("table", "%v", err)
	}
	if r := opts.String("replace"); r != "" {
		if r != ReplaceSwap && r != ReplaceTruncate {
			return o, badOption("replace", "want %q or %q, got %q", ReplaceSwap, ReplaceTruncate, r)
		}
		o.replace = r
	}
	return o, nil
}

// Validate implements connectors.Describer. It does not connect.
func (*Sink) Validate(_ context.Context, opts connectors.Options) error {
	_, err := parseSinkOptions(opts)
	return err
}

// Write implements connectors.Sink: it creates the table when missing and
// replaces its rows with req.Records in one transaction (see ReplaceSwap
// and ReplaceTruncate), loading with COPY. On any error, or when ctx is
// cancelled, the transaction rolls back and the table is unchanged. The
// result's Location is schema.table, never the DSN.
func (s *Sink) Write(ctx context.Context, req connectors.WriteRequest) (*connectors.WriteResult, error) {
	o, err := parseSinkOptions(req.Options)
	if err != nil {
		return nil, err
	}
	if req.Records == nil {
		return nil, fmt.Errorf("postgres sink %q: no records (staged files are not supported)", req.Export)
	}
	conn, err := connect(ctx, o.dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres sink %q: %w", req.Export, err)
	}
	defer closeConn(conn)
	res, err := write(ctx, conn, o, req.Records)
	if err != nil {
		return nil, fmt.Errorf("postgres sink %q: table %s: %w", req.Export, o.table, redact(err, o.dsn))
	}
	return res, nil
}

func write(ctx context.Context, conn *pgx.Conn, o sinkOptions, records connectors.RecordReader) (*connectors.WriteResult, error) {
	target, err := qualify(ctx, conn, o.table)
	if err != nil {
		return nil, err
	}
	cols, err := sinkColumns(records.Schema())
	if err != nil {
		return nil, err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}

	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	load := target
	if o.replace == ReplaceSwap {
		load = target.sibling(stagingName())
		if _, err := tx.Exec(ctx, createTableSQL(load, cols, false)); err != nil {
			return nil, fmt.Errorf("create staging table: %w", err)
		}
	} else {
		if _, err := tx.Exec(ctx, createTableSQL(target, cols, true)); err != nil {
			return nil, fmt.Errorf("create table: %w", err)
		}
		if _, err := tx.Exec(ctx, "TRUNCATE TABLE "+target.sql()); err != nil {
			return nil, fmt.Errorf("truncate: %w", err)
		}
	}

	src := newCopySource(ctx, records, cols)
	defer src.release()
	rows, err := tx.CopyFrom(ctx, pgx.Identifier{load.schema, load.name}, names, src)
	if err != nil {
		if serr := src.Err(); serr != nil {
			return nil, fmt.Errorf("read records: %w", serr)
		}
		return nil, fmt.Errorf("copy: %w", err)
	}

	if o.replace == ReplaceSwap {
		if _, err := tx.Exec(ctx, "DROP TABLE IF EXISTS "+target.sql()); err != nil {
			return nil, fmt.Errorf("drop previous table (a view depending on it? use replace: truncate): %w", err)
		}
		if _, err := tx.Exec(ctx, "ALTER TABLE "+load.sql()+" RENAME TO "+quoteIdent(target.name)); err != nil {
			return nil, fmt.Errorf("rename staging table: %w", err)
		}
		for _, c := range cols {
			if c.name == subjectKeyColumn {
				// Locate and Erase look rows up by subject_key.
				if _, err := tx.Exec(ctx, "CREATE INDEX ON "+target.sql()+" ("+quoteIdent(subjectKeyColumn)+")"); err != nil {
					return nil, fmt.Errorf("index subject_key: %w", err)
				}
			}
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return &connectors.WriteResult{Location: target.String(), Rows: rows}, nil
}

// qualify gives an unqualified table the schema it resolves to: the
// existing table's schema, or else the first schema of search_path.
func qualify(ctx context.Context, conn *pgx.Conn, t tableName) (tableName, error) {
	if t.schema != "" {
		return t, nil
	}
	var schema *string
	err := conn.QueryRow(ctx, `SELECT COALESCE(
		(SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		  WHERE c.oid = to_regclass($1)),
		current_schema())`, t.sql()).Scan(&schema)
	if err != nil {
		return t, fmt.Errorf("resolve schema: %w", err)
	}
	if schema == nil {
		return t, errors.New("no schema in search_path exists: qualify the table as schema.table")
	}
	t.schema = *schema
	return t, nil
}

// stagingName is a fresh staging table name (unique per write, so two
// concurrent writes never collide; short enough for any target name).
func stagingName() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "_pipeline_staging_" + hex.EncodeToString(b[:])
}

func createTableSQL(t tableName, cols []sinkColumn, ifNotExists bool) string {
	var sb strings.Builder
	sb.WriteString("CREATE TABLE ")
	if ifNotExists {
		sb.WriteString("IF NOT EXISTS ")
	}
	sb.WriteString(t.sql())
	sb.WriteString(" (")
	for i, c := range cols {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(quoteIdent(c.name))
		sb.WriteByte(' ')
		sb.WriteString(c.pgType)
	}
	sb.WriteString(")")
	return sb.String()
}
