// Package csv is the built-in CSV source: it hands DuckDB a native
// read_csv scan, so rows never pass through Go.
package csv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/example/pipeline/connectors"
)

// Name is the connector's name in pipeline.yaml.
const Name = "csv"

// Version is reported by Describe.
const Version = "1.0.0"

// Source reads one CSV file (or a glob of files with the same header).
type Source struct{}

var _ connectors.Source = (*Source)(nil)

// NewSource returns the CSV source.
func NewSource() *Source { return &Source{} }

// Describe implements connectors.Describer.
func (*Source) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{
		Name: Name, Kind: connectors.KindSource, Version: Version,
		Capabilities: []string{connectors.CapNativeScan},
		Options: []connectors.OptionSpec{
			{Name: "path", Type: "string", Required: true, Doc: "CSV file or glob, relative to pipeline.yaml"},
			{Name: "delim", Type: "string", Doc: "field delimiter (default ,)"},
			{Name: "header", Type: "bool", Doc: "first line is a header (default true)"},
			{Name: "encoding", Type: "string", Doc: "utf-8 (default), utf-16 or latin-1"},
		},
	}, nil
}

// Validate implements connectors.Describer: path is required and must match
// at least one file.
func (*Source) Validate(_ context.Context, opts connectors.Options) error {
	p := opts.String("path")
	if p == "" {
		return fmt.Errorf("%w: option \"path\" is required", connectors.ErrBadOptions)
	}
	matches, err := filepath.Glob(p)
	if err != nil {
		return fmt.Errorf("%w: option \"path\": %v", connectors.ErrBadOptions, err)
	}
	if len(matches) == 0 {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%w: option \"path\": no file at %s", connectors.ErrBadOptions, p)
		}
	}
	for k := range opts {
		switch k {
		case "path", "delim", "header", "encoding":
		default:
			return fmt.Errorf("%w: unknown option %q (allowed: path, delim, header, encoding)", connectors.ErrBadOptions, k)
		}
	}
	return nil
}

// Scan implements connectors.Source with a native read_csv scan.
func (s *Source) Scan(ctx context.Context, req connectors.ScanRequest) (*connectors.Scan, error) {
	if err := s.Validate(ctx, req.Options); err != nil {
		return nil, err
	}
	params := map[string]string{}
	if d := req.Options.String("delim"); d != "" {
		params["delim"] = d
	}
	if e := req.Options.String("encoding"); e != "" {
		params["encoding"] = e
	}
	if h, ok := req.Options["header"].(bool); ok && !h {
		params["header"] = "false"
	}
	return &connectors.Scan{Native: &connectors.NativeScan{
		Format: "csv", Paths: []string{req.Options.String("path")}, Params: params,
	}}, nil
}
