package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/example/pipeline/connectors"
)

// sink writes an export as a JSON-lines file (option "path"), one object
// per row, replacing the previous file atomically (temp file, rename). It
// has neither the Locate nor the Erase capability: pipeline's rights
// commands report its exports as "not searchable: notify the recipient".
type sink struct{}

var _ connectors.Sink = sink{}

func (sink) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{
		Name: "jsonl", Kind: connectors.KindSink, Version: "0.1.0",
		Capabilities: []string{connectors.CapArrowStream},
		Options:      []connectors.OptionSpec{{Name: "path", Type: "string", Required: true, Doc: "JSON-lines file written"}},
	}, nil
}

func (sink) Validate(_ context.Context, o connectors.Options) error {
	if o.String("path") == "" {
		return fmt.Errorf("%w: option \"path\" is required", connectors.ErrBadOptions)
	}
	return nil
}

func (s sink) Write(ctx context.Context, req connectors.WriteRequest) (*connectors.WriteResult, error) {
	if err := s.Validate(ctx, req.Options); err != nil {
		return nil, err
	}
	if req.Records == nil {
		return nil, fmt.Errorf("jsonl sink: export %q: only streamed writes are supported", req.Export)
	}
	path := req.Options.String("path")
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("jsonl sink: %w", err)
	}
	n, err := writeRows(ctx, bufio.NewWriter(f), req.Records)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("jsonl sink: export %q: %w", req.Export, err)
	}
	return &connectors.WriteResult{Location: path, Rows: n}, nil
}

func writeRows(ctx context.Context, w *bufio.Writer, rr connectors.RecordReader) (int64, error) {
	var n int64
	enc := json.NewEncoder(w)
	for {
		rec, err := rr.Next(ctx)
		if errors.Is(err, io.EOF) {
			return n, w.Flush()
		}
		if err != nil {
			return n, err
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make(map[string]any, rec.NumCols())
			for c := 0; c < int(rec.NumCols()); c++ {
				col := rec.Column(c)
				if col.IsNull(i) {
					row[rec.ColumnName(c)] = nil
				} else {
					row[rec.ColumnName(c)] = col.ValueStr(i)
				}
			}
			if err := enc.Encode(row); err != nil {
				rec.Release()
				return n, err
			}
			n++
		}
		rec.Release()
	}
}
