package main

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// queryFormats are the output formats of `pipeline query --format`.
var queryFormats = []string{"table", "csv", "json", "jsonl", "markdown"}

// rowWriter writes a result set in one format: header once, then rows,
// then close. Cells come already converted by cellValue.
type rowWriter interface {
	header(names []string) error
	row(cells []any) error
	close() error
}

func newRowWriter(format string, w io.Writer) (rowWriter, error) {
	switch format {
	case "table":
		return &tableWriter{tw: tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)}, nil
	case "csv":
		return &csvWriter{w: csv.NewWriter(w)}, nil
	case "json":
		return &jsonWriter{w: w, array: true}, nil
	case "jsonl":
		return &jsonWriter{w: w}, nil
	case "markdown":
		return &markdownWriter{w: w}, nil
	}
	return nil, usagef("--format %q: want one of %s", format, strings.Join(queryFormats, ", "))
}

// writeRows streams rows to out: every value converted to what its DuckDB
// type is (cellValue), never Go's default formatting.
func writeRows(rows *sql.Rows, out rowWriter) error {
	names, err := rows.Columns()
	if err != nil {
		return err
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	if err := out.header(names); err != nil {
		return err
	}
	vals := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	cells := make([]any, len(names))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			cells[i] = cellValue(v, types[i].DatabaseTypeName())
		}
		if err := out.row(cells); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return out.close()
}

// cellValue converts a value scanned from DuckDB into one encoding/json
// writes as the type it is: nil (NULL), bool, numbers (json.Number for
// DECIMAL and HUGEINT, exact), strings, []any (LIST, ARRAY), *object (MAP,
// in key order; STRUCT and JSON objects, by key). Times become ISO 8601
// text in UTC (DATE as a date, TIME as a time of day), UUIDs their text,
// BLOBs text with \xNN escapes (as DuckDB prints them), INTERVALs ISO 8601
// durations. A non-finite float becomes the text NaN, Infinity or -Infinity.
func cellValue(v any, dbType string) any {
	switch x := v.(type) {
	case nil, bool, string, int8, int16, int32, int64, int, uint8, uint16, uint32, uint64, uint:
		return x
	case float32:
		return floatValue(float64(x))
	case float64:
		return floatValue(x)
	case time.Time:
		return timeText(x, dbType)
	case []byte:
		if dbType == "UUID" && len(x) == 16 {
			var u duckdb.UUID
			copy(u[:], x)
			return u.String()
		}
		return blobText(x)
	case *big.Int:
		return json.Number(x.String())
	case duckdb.Decimal:
		return json.Number(x.String())
	case duckdb.Interval:
		return intervalText(x)
	case duckdb.UUID:
		return x.String()
	case duckdb.Union:
		return cellValue(x.Value, "")
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cellValue(e, "")
		}
		return out
	case map[string]any:
		keys := make([]any, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i].(string) < keys[j].(string) })
		o := &object{}
		for _, k := range keys {
			o.add(k, x[k.(string)])
		}
		return o
	case duckdb.OrderedMap:
		o := &object{}
		vals := x.Values()
		for i, k := range x.Keys() {
			o.add(k, vals[i])
		}
		return o
	case duckdb.Map:
		keys := make([]any, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		o := &object{}
		for _, k := range keys {
			o.add(k, x[k])
		}
		return o
	}
	return fmt.Sprint(v) // a type this driver version added: its own text
}

func floatValue(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return f
}

// timeText is t in ISO 8601, UTC.
func timeText(t time.Time, dbType string) string {
	t = t.UTC()
	switch dbType {
	case "DATE":
		return t.Format(time.DateOnly)
	case "TIME", "TIMETZ":
		return t.Format("15:04:05.999999")
	}
	return t.Format(time.RFC3339Nano)
}

// blobText is b as DuckDB prints a BLOB: printable ASCII as is, other
// bytes as \xNN.
func blobText(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			s.WriteByte(c)
			continue
		}
		s.WriteString(`\x`)
		s.WriteString(strings.ToUpper(hex.EncodeToString([]byte{c})))
	}
	return s.String()
}

// intervalText is an INTERVAL as an ISO 8601 duration (P1M2DT3.5S).
func intervalText(iv duckdb.Interval) string {
	s := "P"
	if iv.Months != 0 {
		s += fmt.Sprintf("%dM", iv.Months)
	}
	if iv.Days != 0 {
		s += fmt.Sprintf("%dD", iv.Days)
	}
	if iv.Micros != 0 || s == "P" {
		secs := new(big.Rat).SetFrac64(iv.Micros, 1_000_000)
		s += "T" + strings.TrimRight(strings.TrimRight(secs.FloatString(6), "0"), ".") + "S"
	}
	return s
}

// object is a JSON object whose keys keep their order (a DuckDB MAP's, or
// sorted). Keys that are not text are written as their JSON text.
type object struct {
	keys []string
	vals []any
}

func (o *object) add(k, v any) {
	key, ok := k.(string)
	if !ok {
		b, err := json.Marshal(cellValue(k, ""))
		if err != nil {
			key = fmt.Sprint(k)
		} else {
			key = string(b)
		}
	}
	o.keys = append(o.keys, key)
	o.vals = append(o.vals, cellValue(v, ""))
}

// MarshalJSON writes the object with its keys in order.
func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeJSON(&b, k); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := writeJSON(&b, o.vals[i]); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeJSON writes v as compact JSON, without escaping <, > and &.
func writeJSON(w *bytes.Buffer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	w.Truncate(w.Len() - 1) // Encode's newline
	return nil
}

// cellText is a cell as text for table, csv and markdown: text as is,
// NULL as null, everything else (numbers, lists, maps, structs) as JSON.
func cellText(v any, null string) string {
	switch x := v.(type) {
	case nil:
		return null
	case string:
		return x
	}
	var b bytes.Buffer
	if err := writeJSON(&b, v); err != nil {
		return fmt.Sprint(v)
	}
	return b.String()
}

type tableWriter struct{ tw *tabwriter.Writer }

func (t *tableWriter) header(names []string) error {
	_, err := fmt.Fprintln(t.tw, strings.Join(slices.Clone(names), "\t"))
	return err
}

func (t *tableWriter) row(cells []any) error {
	parts := make([]string, len(cells))
	for i, c := range cells {
		// one line per row: line breaks and tabs shown escaped
		parts[i] = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(cellText(c, "NULL"))
	}
	_, err := fmt.Fprintln(t.tw, strings.Join(parts, "\t"))
	return err
}

func (t *tableWriter) close() error { return t.tw.Flush() }

type csvWriter struct{ w *csv.Writer }

func (c *csvWriter) header(names []string) error { return c.w.Write(names) }

func (c *csvWriter) row(cells []any) error {
	rec := make([]string, len(cells))
	for i, v := range cells {
		rec[i] = cellText(v, "")
	}
	return c.w.Write(rec)
}

func (c *csvWriter) close() error {
	c.w.Flush()
	return c.w.Error()
}

// jsonWriter writes one JSON object per row, keys in column order: as one
// array (json) or one object per line (jsonl).
type jsonWriter struct {
	w     io.Writer
	array bool
	names []string
	n     int
}

func (j *jsonWriter) header(names []string) error {
	j.names = names
	if j.array {
		_, err := io.WriteString(j.w, "[")
		return err
	}
	return nil
}

func (j *jsonWriter) row(cells []any) error {
	o := &object{keys: j.names, vals: cells}
	var b bytes.Buffer
	if j.array {
		if j.n > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	if err := writeJSON(&b, o); err != nil {
		return err
	}
	if !j.array {
		b.WriteByte('\n')
	}
	j.n++
	_, err := j.w.Write(b.Bytes())
	return err
}

func (j *jsonWriter) close() error {
	if !j.array {
		return nil
	}
	end := "]\n"
	if j.n > 0 {
		end = "\n]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}

// markdownWriter writes a GitHub-flavoured Markdown table; NULL is an
// empty cell, | and line breaks are escaped.
type markdownWriter struct{ w io.Writer }

var mdEscape = strings.NewReplacer(`\`, `\\`, "|", `\|`, "\r\n", "<br>", "\n", "<br>", "\r", "<br>")

func (m *markdownWriter) line(cells []string) error {
	_, err := fmt.Fprintf(m.w, "| %s |\n", strings.Join(cells, " | "))
	return err
}

func (m *markdownWriter) header(names []string) error {
	h := make([]string, len(names))
	sep := make([]string, len(names))
	for i, n := range names {
		h[i] = mdEscape.Replace(n)
		sep[i] = "---"
	}
	if err := m.line(h); err != nil {
		return err
	}
	return m.line(sep)
}

func (m *markdownWriter) row(cells []any) error {
	r := make([]string, len(cells))
	for i, c := range cells {
		r[i] = mdEscape.Replace(cellText(c, ""))
	}
	return m.line(r)
}

func (m *markdownWriter) close() error { return nil }
