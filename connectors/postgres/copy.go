package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/example/pipeline/connectors"
)

// subjectKeyColumn is the column Locate and Erase look rows up by.
const subjectKeyColumn = "subject_key"

// sinkColumn is one Arrow field as a PostgreSQL column, with the function
// that reads row i of a batch's column as a value pgx can encode.
type sinkColumn struct {
	name   string
	pgType string
	value  func(a arrow.Array, i int) any
}

// sinkColumns maps an Arrow schema onto PostgreSQL columns: strings → text,
// integers → smallint/integer/bigint (uint64 → numeric), floats → real or
// double precision, bool → boolean, date → date, timestamp → timestamptz
// (timestamp when the Arrow type has no time zone), decimal → numeric(p,s),
// binary → bytea, anything else → text (Arrow's string form of the value).
func sinkColumns(schema *arrow.Schema) ([]sinkColumn, error) {
	if schema == nil || schema.NumFields() == 0 {
		return nil, errors.New("records have no columns")
	}
	seen := map[string]bool{}
	cols := make([]sinkColumn, schema.NumFields())
	for i, f := range schema.Fields() {
		if f.Name == "" {
			return nil, fmt.Errorf("column %d has no name", i+1)
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("column %q appears twice", f.Name)
		}
		seen[f.Name] = true
		cols[i] = sinkColumnFor(f)
	}
	return cols, nil
}

func sinkColumnFor(f arrow.Field) sinkColumn {
	c := sinkColumn{name: f.Name}
	switch t := f.Type.(type) {
	case *arrow.StringType, *arrow.LargeStringType, *arrow.StringViewType:
		c.pgType = "text"
		c.value = func(a arrow.Array, i int) any { return a.(interface{ Value(int) string }).Value(i) }
	case *arrow.Int8Type, *arrow.Int16Type, *arrow.Uint8Type:
		c.pgType = "smallint"
		c.value = intValue
	case *arrow.Int32Type, *arrow.Uint16Type:
		c.pgType = "integer"
		c.value = intValue
	case *arrow.Int64Type, *arrow.Uint32Type:
		c.pgType = "bigint"
		c.value = intValue
	case *arrow.Uint64Type:
		c.pgType = "numeric(20,0)"
		c.value = func(a arrow.Array, i int) any {
			return pgtype.Numeric{Int: new(big.Int).SetUint64(a.(*array.Uint64).Value(i)), Valid: true}
		}
	case *arrow.Float16Type:
		c.pgType = "real"
		c.value = func(a arrow.Array, i int) any { return a.(*array.Float16).Value(i).Float32() }
	case *arrow.Float32Type:
		c.pgType = "real"
		c.value = func(a arrow.Array, i int) any { return a.(*array.Float32).Value(i) }
	case *arrow.Float64Type:
		c.pgType = "double precision"
		c.value = func(a arrow.Array, i int) any { return a.(*array.Float64).Value(i) }
	case *arrow.BooleanType:
		c.pgType = "boolean"
		c.value = func(a arrow.Array, i int) any { return a.(*array.Boolean).Value(i) }
	case *arrow.Date32Type:
		c.pgType = "date"
		c.value = func(a arrow.Array, i int) any { return a.(*array.Date32).Value(i).ToTime() }
	case *arrow.Date64Type:
		c.pgType = "date"
		c.value = func(a arrow.Array, i int) any { return a.(*array.Date64).Value(i).ToTime() }
	case *arrow.TimestampType:
		c.pgType = "timestamptz"
		if t.TimeZone == "" {
			c.pgType = "timestamp"
		}
		toTime, err := t.GetToTimeFunc()
		if err != nil { // unknown zone: keep the instant, in UTC
			toTime = func(ts arrow.Timestamp) time.Time { return ts.ToTime(t.Unit) }
		}
		c.value = func(a arrow.Array, i int) any { return toTime(a.(*array.Timestamp).Value(i)).UTC() }
	case *arrow.Decimal128Type:
		c.pgType = fmt.Sprintf("numeric(%d,%d)", t.Precision, t.Scale)
		c.value = func(a arrow.Array, i int) any {
			return pgtype.Numeric{Int: a.(*array.Decimal128).Value(i).BigInt(), Exp: -t.Scale, Valid: true}
		}
	case *arrow.BinaryType, *arrow.LargeBinaryType:
		c.pgType = "bytea"
		c.value = func(a arrow.Array, i int) any { return a.(interface{ Value(int) []byte }).Value(i) }
	default:
		c.pgType = "text"
		c.value = func(a arrow.Array, i int) any { return a.ValueStr(i) }
	}
	return c
}

// intValue reads any Arrow integer array as int64.
func intValue(a arrow.Array, i int) any {
	switch a := a.(type) {
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Uint8:
		return int64(a.Value(i))
	case *array.Uint16:
		return int64(a.Value(i))
	case *array.Uint32:
		return int64(a.Value(i))
	}
	return a.ValueStr(i)
}

// copySource is a pgx.CopyFromSource over a RecordReader: it walks the
// batches row by row, reusing one values slice. pgx encodes each row before
// asking for the next, so a batch is released as soon as it is passed.
type copySource struct {
	ctx   context.Context
	rr    connectors.RecordReader
	cols  []sinkColumn
	batch arrow.RecordBatch
	row   int
	vals  []any
	err   error
}

func newCopySource(ctx context.Context, rr connectors.RecordReader, cols []sinkColumn) *copySource {
	return &copySource{ctx: ctx, rr: rr, cols: cols, vals: make([]any, len(cols))}
}

// Next implements pgx.CopyFromSource.
func (s *copySource) Next() bool {
	if s.err != nil {
		return false
	}
	s.row++
	for s.batch == nil || s.row >= int(s.batch.NumRows()) {
		s.release()
		b, err := s.rr.Next(s.ctx)
		if errors.Is(err, io.EOF) {
			return false
		}
		if err != nil {
			s.err = err
			return false
		}
		if int(b.NumCols()) != len(s.cols) {
			b.Release()
			s.err = fmt.Errorf("batch has %d columns, schema has %d", b.NumCols(), len(s.cols))
			return false
		}
		s.batch, s.row = b, 0
	}
	return true
}

// Values implements pgx.CopyFromSource.
func (s *copySource) Values() ([]any, error) {
	for j, c := range s.cols {
		a := s.batch.Column(j)
		if a.IsNull(s.row) {
			s.vals[j] = nil
			continue
		}
		s.vals[j] = c.value(a, s.row)
	}
	return s.vals, nil
}

// Err implements pgx.CopyFromSource.
func (s *copySource) Err() error { return s.err }

// release drops the current batch.
func (s *copySource) release() {
	if s.batch != nil {
		s.batch.Release()
		s.batch = nil
	}
}
