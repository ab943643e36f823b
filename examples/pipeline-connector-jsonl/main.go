// Command pipeline-connector-jsonl is an example external connector: a
// source that reads a JSON-lines file (option "path"), one object per
// line, and streams it as Arrow batches. Every column is a string; the
// columns are the union of the objects' keys in first-seen order; a
// missing key or a JSON null is NULL, and non-string values keep their
// JSON text. Build it as bin/pipeline-connector-jsonl and put it in a
// plugin directory or on PATH.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/sdk"
)

func main() {
	if err := sdk.ServeSource(source{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type source struct{}

func (source) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{
		Name: "jsonl", Kind: connectors.KindSource, Version: "0.1.0",
		Capabilities: []string{connectors.CapArrowStream},
		Options:      []connectors.OptionSpec{{Name: "path", Type: "string", Required: true, Doc: "JSON-lines file"}},
	}, nil
}

func (source) Validate(_ context.Context, o connectors.Options) error {
	if _, err := os.Stat(o.String("path")); err != nil {
		return fmt.Errorf("%w: option \"path\": %v", connectors.ErrBadOptions, err)
	}
	return nil
}

func (s source) Scan(ctx context.Context, req connectors.ScanRequest) (*connectors.Scan, error) {
	if err := s.Validate(ctx, req.Options); err != nil {
		return nil, err
	}
	path := req.Options.String("path")
	keys, err := columns(path) // first pass: the union of keys
	if err != nil {
		return nil, err
	}
	fields := make([]arrow.Field, len(keys))
	for i, k := range keys {
		fields[i] = arrow.Field{Name: k, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	lines := newLines(f)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	return &connectors.Scan{Records: &sdk.FuncReader{S: schema,
		NextFn: func(ctx context.Context) (arrow.RecordBatch, error) {
			for b.Field(0).Len() < sdk.BatchRows {
				obj, err := lines.next()
				if err == io.EOF {
					break
				} else if err != nil {
					return nil, err
				}
				for i, k := range keys {
					sb := b.Field(i).(*array.StringBuilder)
					v, ok := obj.get(k)
					switch {
					case !ok || string(v) == "null":
						sb.AppendNull()
					case v[0] == '"' && bytes.IndexByte(v, '\\') < 0:
						sb.Append(string(v[1 : len(v)-1])) // no escapes: the bytes are the string
					case v[0] == '"':
						var s string
						if err := json.Unmarshal(v, &s); err != nil {
							return nil, fmt.Errorf("%s: line %d: %w", path, lines.n, err)
						}
						sb.Append(s)
					default:
						sb.Append(string(v))
					}
				}
			}
			if b.Field(0).Len() == 0 {
				return nil, io.EOF
			}
			return b.NewRecordBatch(), nil
		},
		CloseFn: func() error { b.Release(); return f.Close() },
	}}, nil
}

// lines decodes one JSON object per non-blank line.
type lines struct {
	sc *bufio.Scanner
	n  int
}

func newLines(r io.Reader) *lines {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	return &lines{sc: sc}
}

// object is one line's members; keys keeps their order only when the
// line was parsed with order (the column pass, for lines with new keys).
type object struct {
	keys []string
	vals map[string]json.RawMessage
}

func (o *object) get(k string) (json.RawMessage, bool) {
	v, ok := o.vals[k]
	return v, ok
}

func (l *lines) next() (*object, error) {
	for l.sc.Scan() {
		l.n++
		if len(bytes.TrimSpace(l.sc.Bytes())) == 0 {
			continue
		}
		obj, err := parseObject(l.sc.Bytes())
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", l.n, err)
		}
		return obj, nil
	}
	if err := l.sc.Err(); err != nil {
		return nil, err
	}
	return nil, io.EOF
}

// parseObject decodes a JSON object (members by name; encoding/json's
// one-shot Unmarshal, several times faster than token by token).
func parseObject(line []byte) (*object, error) {
	o := &object{}
	if err := json.Unmarshal(line, &o.vals); err != nil || o.vals == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	return o, nil
}

// orderedKeys returns a JSON object's keys in the order they are written.
func orderedKeys(line []byte) ([]string, error) {
	d := json.NewDecoder(bytes.NewReader(line))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	var keys []string
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, err
		}
		keys = append(keys, t.(string))
	}
	return keys, nil
}

// columns returns the union of the file's keys in first-seen order.
func columns(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	seen := map[string]bool{}
	var keys []string
	l := newLines(f)
	for {
		obj, err := l.next()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		fresh := false
		for k := range obj.vals {
			if !seen[k] {
				fresh = true
				break
			}
		}
		if !fresh {
			continue
		}
		// a line with a key not seen yet: take its keys in written order
		ordered, err := orderedKeys(l.sc.Bytes())
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", path, l.n, err)
		}
		for _, k := range ordered {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no JSON objects", path)
	}
	return keys, nil
}
