// Command pipeline-connector-jsonl is an example external connector: a
// source that reads a JSON-lines file (option "path"), one object per
// line, and streams it as Arrow batches. Every column is a string; the
// columns are the union of the objects' keys in first-seen order; a
// missing key or a JSON null is NULL, and non-string values keep their
// JSON text. It is also a sink (sink.go) that writes an export as a
// JSON-lines file. Build it as bin/pipeline-connector-jsonl and put it in a
// plugin directory or on PATH.
package main

import (
	"bufio"
	"bytes"
	"context"
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
	if err := sdk.Serve(source{}, sink{}); err != nil {
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
	index := make(map[string]int, len(keys))
	for i, k := range keys {
		index[k] = i
	}
	vals := make([][]byte, len(keys)) // this line's values by column; nil: missing
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	return &connectors.Scan{Records: &sdk.FuncReader{S: schema,
		NextFn: func(ctx context.Context) (arrow.RecordBatch, error) {
			for b.Field(0).Len() < sdk.BatchRows {
				line, err := lines.next()
				if err == io.EOF {
					break
				} else if err != nil {
					return nil, fmt.Errorf("%s: %w", path, err)
				}
				clear(vals)
				err = members(line, func(k, v []byte) error {
					i, ok := index[string(k)]
					if !ok {
						return fmt.Errorf("key %q was not in the file when its columns were read (did it change?)", k)
					}
					vals[i] = v // a repeated key: the last one wins, as in encoding/json
					return nil
				})
				if err != nil {
					return nil, fmt.Errorf("%s: line %d: %w", path, lines.n, err)
				}
				for i, v := range vals {
					sb := b.Field(i).(*array.StringBuilder)
					switch {
					case v == nil || string(v) == "null":
						sb.AppendNull()
					case v[0] == '"':
						s, err := decodeString(v)
						if err != nil {
							return nil, fmt.Errorf("%s: line %d: %w", path, lines.n, err)
						}
						sb.BinaryBuilder.Append(s)
					default:
						sb.BinaryBuilder.Append(v)
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

func (l *lines) next() ([]byte, error) {
	for l.sc.Scan() {
		l.n++
		if len(bytes.TrimSpace(l.sc.Bytes())) == 0 {
			continue
		}
		return l.sc.Bytes(), nil
	}
	if err := l.sc.Err(); err != nil {
		return nil, err
	}
	return nil, io.EOF
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
		line, err := l.next()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		err = members(line, func(k, _ []byte) error {
			if !seen[string(k)] {
				seen[string(k)] = true
				keys = append(keys, string(k))
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", path, l.n, err)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no JSON objects", path)
	}
	return keys, nil
}
