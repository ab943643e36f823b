// Package parquet is the built-in Parquet source and sink. The source
// hands DuckDB a native read_parquet scan; the sink lets DuckDB write the
// files into a staging directory and swaps them into place atomically,
// verifying each file independently with parquet-go for the manifest.
package parquet

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/example/pipeline/connectors"
)

// Name is the connector's name in pipeline.yaml.
const Name = "parquet"

// Version is reported by Describe.
const Version = "1.0.0"

// Source reads Parquet files.
type Source struct{}

var _ connectors.Source = (*Source)(nil)

// NewSource returns the Parquet source.
func NewSource() *Source { return &Source{} }

// Describe implements connectors.Describer.
func (*Source) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{
		Name: Name, Kind: connectors.KindSource, Version: Version,
		Capabilities: []string{connectors.CapNativeScan},
		Options: []connectors.OptionSpec{
			{Name: "path", Type: "string", Required: true, Doc: "Parquet file or glob"},
		},
	}, nil
}

// Validate implements connectors.Describer.
func (*Source) Validate(_ context.Context, opts connectors.Options) error {
	p := opts.String("path")
	if p == "" {
		return fmt.Errorf("%w: option \"path\" is required", connectors.ErrBadOptions)
	}
	m, err := filepath.Glob(p)
	if err != nil || len(m) == 0 {
		return fmt.Errorf("%w: option \"path\": no file matches %s", connectors.ErrBadOptions, p)
	}
	return nil
}

// Scan implements connectors.Source with a native read_parquet scan.
func (s *Source) Scan(ctx context.Context, req connectors.ScanRequest) (*connectors.Scan, error) {
	if err := s.Validate(ctx, req.Options); err != nil {
		return nil, err
	}
	return &connectors.Scan{Native: &connectors.NativeScan{Format: connectors.FormatParquet, Paths: []string{req.Options.String("path")}}}, nil
}
