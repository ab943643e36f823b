package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// cell is one field of a record: its column and its value as text.
type cell struct {
	col  int
	val  string
	null bool
}

// table accumulates records: columns are the union of the records'
// top-level keys, in first-seen order.
type table struct {
	index map[string]int
	names []string
	rows  [][]cell
}

func newTable() *table { return &table{index: map[string]int{}} }

func (t *table) column(name string) int {
	if i, ok := t.index[name]; ok {
		return i
	}
	t.index[name] = len(t.names)
	t.names = append(t.names, name)
	return len(t.names) - 1
}

// add appends one record (a JSON object), preceded by extra fields.
func (t *table) add(raw json.RawMessage, extra ...cell) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("want a JSON object, got %s", kindOf(raw))
	}
	row := slices.Clone(extra)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		s, null, err := text(v)
		if err != nil {
			return fmt.Errorf("key %q: %w", key, err)
		}
		col := t.column(key)
		if i := slices.IndexFunc(row, func(c cell) bool { return c.col == col }); i >= 0 {
			if i < len(extra) {
				continue // the host's column (_domain) wins over a record key
			}
			row[i] = cell{col: col, val: s, null: null} // repeated key: the last wins, as in encoding/json
			continue
		}
		row = append(row, cell{col: col, val: s, null: null})
	}
	t.rows = append(t.rows, row)
	return nil
}

// text renders a JSON value as a String cell: strings unquoted, numbers
// and booleans as written, objects and arrays as compact JSON, null as null.
func text(v json.RawMessage) (string, bool, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "", true, nil
	}
	switch v[0] {
	case 'n':
		return "", true, nil
	case '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, false, err
	case '{', '[':
		var b bytes.Buffer
		err := json.Compact(&b, v)
		return b.String(), false, err
	}
	return string(v), false, nil
}

func kindOf(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// lookup follows path from the body; ok=false when a key is missing.
// Numeric segments index arrays.
func lookup(body json.RawMessage, path []string) (json.RawMessage, error) {
	cur := body
	for i, seg := range path {
		at := "$"
		if i > 0 {
			at = "$." + strings.Join(path[:i], ".")
		}
		switch kindOf(cur) {
		case "an object":
			var m map[string]json.RawMessage
			if err := json.Unmarshal(cur, &m); err != nil {
				return nil, err
			}
			next, ok := m[seg]
			if !ok {
				keys := make([]string, 0, len(m))
				for k := range m {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				return nil, fmt.Errorf("%s has no key %q (keys: %s)", at, seg, strings.Join(keys, ", "))
			}
			cur = next
		case "an array":
			n, err := strconv.Atoi(seg)
			if err != nil {
				return nil, fmt.Errorf("%s is an array: want an index, got %q", at, seg)
			}
			var a []json.RawMessage
			if err := json.Unmarshal(cur, &a); err != nil {
				return nil, err
			}
			if n < 0 || n >= len(a) {
				return nil, fmt.Errorf("%s has no index %d", at, n)
			}
			cur = a[n]
		default:
			return nil, fmt.Errorf("%s is %s, not an object", at, kindOf(cur))
		}
	}
	return cur, nil
}

// recordsAt returns the array of records at path (null gives none).
func recordsAt(body json.RawMessage, path []string) ([]json.RawMessage, error) {
	v, err := lookup(body, path)
	if err != nil {
		return nil, err
	}
	switch kindOf(v) {
	case "null":
		return nil, nil
	case "an array":
		var a []json.RawMessage
		err := json.Unmarshal(v, &a)
		return a, err
	}
	return nil, fmt.Errorf("$%s is %s, want an array of records", dotted(path), kindOf(v))
}

func dotted(path []string) string {
	if len(path) == 0 {
		return ""
	}
	return "." + strings.Join(path, ".")
}

// reader streams a filled table as Arrow batches of String columns.
type reader struct {
	schema    *arrow.Schema
	rows      [][]cell
	batchSize int
	pos       int
	closed    bool
}

func newReader(t *table, batchSize int) *reader {
	fields := make([]arrow.Field, len(t.names))
	for i, n := range t.names {
		fields[i] = arrow.Field{Name: n, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	return &reader{schema: arrow.NewSchema(fields, nil), rows: t.rows, batchSize: batchSize}
}

// Schema implements connectors.RecordReader.
func (r *reader) Schema() *arrow.Schema { return r.schema }

// Next implements connectors.RecordReader.
func (r *reader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if r.closed {
		return nil, errors.New("http: Next after Close")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.pos >= len(r.rows) {
		return nil, io.EOF
	}
	end := min(r.pos+r.batchSize, len(r.rows))
	rb := array.NewRecordBuilder(memory.DefaultAllocator, r.schema)
	defer rb.Release()
	n := len(r.schema.Fields())
	vals := make([]*cell, n) // cells come in key order; builders need column order
	for _, row := range r.rows[r.pos:end] {
		clear(vals)
		for i := range row {
			vals[row[i].col] = &row[i]
		}
		for j := 0; j < n; j++ {
			b := rb.Field(j).(*array.StringBuilder)
			if c := vals[j]; c == nil || c.null {
				b.AppendNull()
			} else {
				b.Append(c.val)
			}
		}
	}
	r.pos = end
	return rb.NewRecordBatch(), nil
}

// Close implements connectors.RecordReader.
func (r *reader) Close() error {
	r.closed = true
	r.rows = nil
	return nil
}
