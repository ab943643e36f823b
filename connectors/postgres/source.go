// Package postgres is the built-in PostgreSQL source and sink, on pgx v5.
//
// The source runs a query (or reads a table) over the binary protocol and
// streams the rows as Arrow record batches, decoding each cell's wire bytes
// straight into Arrow builders. The sink loads Arrow batches with COPY into
// a staging table and swaps it for the target table in one transaction, so
// readers see the previous export or the new one, never a half. The sink
// also implements connectors.Locator and connectors.Eraser over the
// table's subject_key column.
//
// The dsn option is a secret: no error or log line of this package holds
// it or its password (see redact).
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"

	"github.com/example/pipeline/connectors"
)

// Name is the connector's name in pipeline.yaml.
const Name = "postgres"

// Version is reported by Describe.
const Version = "1.0.0"

// Source reads a PostgreSQL query or table as a stream of Arrow batches.
// Options: dsn (required, secret), exactly one of query or table, and
// batch_size (rows per batch, default DefaultBatchSize). A Source holds no
// state; it is safe for concurrent use.
type Source struct{}

var _ connectors.Source = (*Source)(nil)

// NewSource returns the PostgreSQL source.
func NewSource() *Source { return &Source{} }

// Describe implements connectors.Describer.
func (*Source) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{
		Name: Name, Kind: connectors.KindSource, Version: Version,
		Capabilities: []string{connectors.CapArrowStream},
		Options: []connectors.OptionSpec{
			{Name: "dsn", Type: "string", Required: true, Secret: true,
				Doc: "connection string, postgres://user:pass@host:5432/db or key=value; use ${ENV}"},
			{Name: "query", Type: "string", Doc: "SELECT to run (read-only transaction); exclusive with table"},
			{Name: "table", Type: "string", Doc: "table to read, optionally schema-qualified; exclusive with query"},
			{Name: "batch_size", Type: "int", Doc: "rows per Arrow batch (default 131072)"},
		},
	}, nil
}

// sourceOptions are a Source's parsed options.
type sourceOptions struct {
	dsn       string
	sql       string
	batchSize int
}

func parseSourceOptions(opts connectors.Options) (sourceOptions, error) {
	dsn, err := requireDSN(opts)
	if err != nil {
		return sourceOptions{}, err
	}
	query, table := strings.TrimSpace(opts.String("query")), strings.TrimSpace(opts.String("table"))
	o := sourceOptions{dsn: dsn}
	switch {
	case query != "" && table != "":
		return o, badOption("query", "set either query or table, not both")
	case query != "":
		o.sql = query
	case table != "":
		t, err := parseTable(table)
		if err != nil {
			return o, badOption("table", "%v", err)
		}
		o.sql = "SELECT * FROM " + t.sql()
	default:
		return o, badOption("query", "one of query or table is required")
	}
	if o.batchSize, err = intOption(opts, "batch_size", DefaultBatchSize); err != nil {
		return o, err
	}
	if o.batchSize < 1 {
		return o, badOption("batch_size", "must be at least 1")
	}
	return o, nil
}

// Validate implements connectors.Describer. It does not connect.
func (*Source) Validate(_ context.Context, opts connectors.Options) error {
	_, err := parseSourceOptions(opts)
	return err
}

// Scan implements connectors.Source. It connects, opens a read-only
// transaction and starts the query; the returned RecordReader streams its
// rows. ctx bounds connecting, planning and the wait for the first row:
// the query then runs until the reader is drained or closed, and is
// cancelled on the server as soon as ctx is done while Scan runs, or the
// ctx given to a Next call is done while it runs. The caller must Close
// the reader.
func (s *Source) Scan(ctx context.Context, req connectors.ScanRequest) (*connectors.Scan, error) {
	o, err := parseSourceOptions(req.Options)
	if err != nil {
		return nil, err
	}
	conn, err := connect(ctx, o.dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres source %q: %w", req.Source, err)
	}
	r, err := startQuery(ctx, conn, o)
	if err != nil {
		closeConn(conn)
		return nil, fmt.Errorf("postgres source %q: %w", req.Source, redact(err, o.dsn))
	}
	return &connectors.Scan{Records: r}, nil
}

// connect opens one connection whose context cancellation sends the server
// a cancel request (stopping the query there), not only a socket deadline.
func connect(ctx context.Context, dsn string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		_, perr := parseDSN(dsn)
		return nil, fmt.Errorf("dsn: %w", perr)
	}
	cfg.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{
			Conn: pc, CancelRequestDelay: 0, DeadlineDelay: 2 * time.Second,
		}
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", redact(err, dsn))
	}
	return conn, nil
}

// closeConn closes conn with a short deadline of its own (the caller's ctx
// may already be done).
func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}

func startQuery(ctx context.Context, conn *pgx.Conn, o sourceOptions) (*reader, error) {
	pc := conn.PgConn()
	if err := pc.Exec(ctx, "BEGIN READ ONLY").Close(); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	sd, err := pc.Prepare(ctx, "", o.sql, nil)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if len(sd.ParamOIDs) > 0 {
		return nil, fmt.Errorf("query takes %d parameters; a source query takes none", len(sd.ParamOIDs))
	}
	if len(sd.Fields) == 0 {
		return nil, errors.New("query returns no columns")
	}
	names := uniqueNames(sd.Fields)
	cols := make([]column, len(sd.Fields))
	fields := make([]arrow.Field, len(sd.Fields))
	formats := make([]int16, len(sd.Fields))
	for i, fd := range sd.Fields {
		cols[i] = planColumn(names[i], fd)
		fields[i], formats[i] = cols[i].field, cols[i].format
	}
	schema := arrow.NewSchema(fields, nil)

	// The query outlives ctx (see Scan); qctx is cancelled by Close or by
	// the ctx of a Next call. ExecPrepared waits for the first row, so ctx
	// cancels the query until it returns.
	qctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, cancel)
	rr := pc.ExecPrepared(qctx, "", nil, nil, formats)
	stop()
	if err := ctx.Err(); err != nil {
		cancel()
		_, _ = rr.Close()
		return nil, err
	}
	rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	return &reader{conn: conn, rr: rr, cancel: cancel, schema: schema, cols: cols,
		rb: rb, batchSize: o.batchSize, dsn: o.dsn}, nil
}

// reader is the RecordReader of a running query. Not safe for concurrent
// use (as RecordReader requires).
type reader struct {
	conn      *pgx.Conn
	rr        *pgconn.ResultReader
	cancel    context.CancelFunc
	schema    *arrow.Schema
	cols      []column
	rb        *array.RecordBuilder
	batchSize int
	dsn       string
	rows      int64
	done      bool
	closed    bool
}

// Schema implements connectors.RecordReader.
func (r *reader) Schema() *arrow.Schema { return r.schema }

// Next implements connectors.RecordReader: up to batch_size rows, io.EOF
// after the last batch. Cancelling ctx cancels the query on the server.
func (r *reader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if r.closed {
		return nil, errors.New("postgres: Next after Close")
	}
	if r.done {
		return nil, io.EOF
	}
	if err := ctx.Err(); err != nil {
		r.finish()
		return nil, fmt.Errorf("postgres: scan: %w", err)
	}
	stop := context.AfterFunc(ctx, r.cancel)
	defer stop()

	n := 0
	for n < r.batchSize && r.rr.NextRow() {
		vals := r.rr.Values()
		for i, v := range vals {
			b := r.rb.Field(i)
			if v == nil {
				b.AppendNull()
				continue
			}
			if err := r.cols[i].decode(b, v); err != nil {
				r.finish()
				return nil, fmt.Errorf("postgres: row %d column %q: %w", r.rows+int64(n)+1, r.cols[i].field.Name, err)
			}
		}
		n++
	}
	r.rows += int64(n)
	if n < r.batchSize {
		if _, err := r.rr.Close(); err != nil {
			r.done = true
			if ctx.Err() != nil {
				return nil, fmt.Errorf("postgres: scan: %w", ctx.Err())
			}
			return nil, fmt.Errorf("postgres: scan: %w", redact(err, r.dsn))
		}
		r.done = true
		if n == 0 {
			return nil, io.EOF
		}
	}
	return r.rb.NewRecordBatch(), nil
}

// finish stops the query (if still running) and marks the stream done.
func (r *reader) finish() {
	if !r.done {
		r.cancel()
		_, _ = r.rr.Close()
		r.done = true
	}
}

// Close implements connectors.RecordReader: it cancels a query still
// running, closes the connection and releases the builders. Idempotent.
func (r *reader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	r.finish()
	r.cancel()
	closeConn(r.conn)
	r.rb.Release()
	return nil
}
