package postgres

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// Epoch offsets between PostgreSQL (2000-01-01) and Unix (1970-01-01).
const (
	pgEpochDays   = 10957
	pgEpochMicros = int64(pgEpochDays) * 86400 * 1_000_000
)

// timestampType is what timestamp and timestamptz columns become.
var timestampType = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// column says how one result column is requested (format) and decoded
// from its raw wire bytes into an Arrow builder, without a Go value per cell.
type column struct {
	field  arrow.Field
	format int16 // pgx.BinaryFormatCode or pgx.TextFormatCode
	decode func(b array.Builder, v []byte) error
}

// planColumn maps one PostgreSQL result column onto Arrow:
// int2/4/8 → Int64, float4/8 → Float64, bool → Boolean, date → Date32,
// timestamp/timestamptz → Timestamp(us, UTC), text-like types → String
// (binary, raw bytes), and anything else (numeric, uuid, json, arrays,
// enums, ...) → String in PostgreSQL's text format. Timestamps are read as
// UTC (timestamp without time zone is taken to be UTC already); the
// 'infinity' and '-infinity' dates and timestamps become null.
func planColumn(name string, fd pgconn.FieldDescription) column {
	f := arrow.Field{Name: name, Nullable: true}
	switch fd.DataTypeOID {
	case pgtype.Int2OID:
		f.Type = arrow.PrimitiveTypes.Int64
		return column{f, pgtype.BinaryFormatCode, fixed(2, func(b array.Builder, v []byte) {
			b.(*array.Int64Builder).Append(int64(int16(binary.BigEndian.Uint16(v))))
		})}
	case pgtype.Int4OID:
		f.Type = arrow.PrimitiveTypes.Int64
		return column{f, pgtype.BinaryFormatCode, fixed(4, func(b array.Builder, v []byte) {
			b.(*array.Int64Builder).Append(int64(int32(binary.BigEndian.Uint32(v))))
		})}
	case pgtype.Int8OID:
		f.Type = arrow.PrimitiveTypes.Int64
		return column{f, pgtype.BinaryFormatCode, fixed(8, func(b array.Builder, v []byte) {
			b.(*array.Int64Builder).Append(int64(binary.BigEndian.Uint64(v)))
		})}
	case pgtype.Float4OID:
		f.Type = arrow.PrimitiveTypes.Float64
		return column{f, pgtype.BinaryFormatCode, fixed(4, func(b array.Builder, v []byte) {
			b.(*array.Float64Builder).Append(float64(math.Float32frombits(binary.BigEndian.Uint32(v))))
		})}
	case pgtype.Float8OID:
		f.Type = arrow.PrimitiveTypes.Float64
		return column{f, pgtype.BinaryFormatCode, fixed(8, func(b array.Builder, v []byte) {
			b.(*array.Float64Builder).Append(math.Float64frombits(binary.BigEndian.Uint64(v)))
		})}
	case pgtype.BoolOID:
		f.Type = arrow.FixedWidthTypes.Boolean
		return column{f, pgtype.BinaryFormatCode, fixed(1, func(b array.Builder, v []byte) {
			b.(*array.BooleanBuilder).Append(v[0] != 0)
		})}
	case pgtype.DateOID:
		f.Type = arrow.FixedWidthTypes.Date32
		return column{f, pgtype.BinaryFormatCode, fixed(4, func(b array.Builder, v []byte) {
			d := int32(binary.BigEndian.Uint32(v))
			if d == math.MaxInt32 || d == math.MinInt32 { // 'infinity', '-infinity'
				b.AppendNull()
				return
			}
			b.(*array.Date32Builder).Append(arrow.Date32(d + pgEpochDays))
		})}
	case pgtype.TimestampOID, pgtype.TimestamptzOID:
		f.Type = timestampType
		return column{f, pgtype.BinaryFormatCode, fixed(8, func(b array.Builder, v []byte) {
			us := int64(binary.BigEndian.Uint64(v))
			if us == math.MaxInt64 || us == math.MinInt64 { // 'infinity', '-infinity'
				b.AppendNull()
				return
			}
			b.(*array.TimestampBuilder).Append(arrow.Timestamp(us + pgEpochMicros))
		})}
	case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.NameOID:
		// The binary format of text types is the text itself.
		f.Type = arrow.BinaryTypes.String
		return column{f, pgtype.BinaryFormatCode, appendBytes}
	default:
		f.Type = arrow.BinaryTypes.String
		return column{f, pgtype.TextFormatCode, appendBytes}
	}
}

// fixed wraps a decoder of a fixed-width binary value, checking its size.
func fixed(size int, fn func(b array.Builder, v []byte)) func(array.Builder, []byte) error {
	return func(b array.Builder, v []byte) error {
		if len(v) != size {
			return fmt.Errorf("want %d bytes, got %d", size, len(v))
		}
		fn(b, v)
		return nil
	}
}

// appendBytes appends raw UTF-8 bytes (copied by the builder).
func appendBytes(b array.Builder, v []byte) error {
	b.(*array.StringBuilder).BinaryBuilder.Append(v)
	return nil
}

// uniqueNames makes result column names unique, as DuckDB needs:
// a repeated name gets a suffix _2, _3, ...
func uniqueNames(fds []pgconn.FieldDescription) []string {
	seen := make(map[string]bool, len(fds))
	names := make([]string, len(fds))
	for i, fd := range fds {
		name := fd.Name
		for n := 2; seen[name]; n++ {
			name = fmt.Sprintf("%s_%d", fd.Name, n)
		}
		seen[name] = true
		names[i] = name
	}
	return names
}
