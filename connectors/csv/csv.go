// Package csv is the built-in CSV source: it hands DuckDB a native
// read_csv scan, so rows never pass through Go.
package csv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/example/pipeline/connectors"
)

// Name is the connector's name in pipeline.yaml.
const Name = "csv"

// Version is reported by Describe.
const Version = "1.1.0"

// Source reads one CSV file (or a glob of files with the same header).
type Source struct{}

var _ connectors.Source = (*Source)(nil)

// NewSource returns the CSV source.
func NewSource() *Source { return &Source{} }

// optionNames are the options Validate accepts, in the order they are listed.
var optionNames = []string{"path", "delimiter", "delim", "quote", "escape", "header", "newline", "encoding"}

// Newlines maps the newline option's values to read_csv's new_line.
var Newlines = map[string]string{"lf": `\n`, "crlf": `\r\n`, "cr": `\r`}

// Describe implements connectors.Describer.
func (*Source) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{
		Name: Name, Kind: connectors.KindSource, Version: Version,
		Capabilities: []string{connectors.CapNativeScan},
		Options: []connectors.OptionSpec{
			{Name: "path", Type: "string", Required: true, Doc: "CSV file or glob, relative to pipeline.yaml"},
			{Name: "delimiter", Type: "string", Doc: "field delimiter, one character (default: sniffed, else ,); delim is an alias"},
			{Name: "quote", Type: "string", Doc: "quote character, or \"\" for none (default: sniffed, else \")"},
			{Name: "escape", Type: "string", Doc: "escape character inside quotes, or \"\" for none (default: sniffed, else \")"},
			{Name: "header", Type: "bool", Doc: "first line is a header (default true)"},
			{Name: "newline", Type: "string", Doc: "lf, crlf or cr (default: sniffed; lf reads CRLF lines too)"},
			{Name: "encoding", Type: "string", Doc: "utf-8 (default), utf-16 or latin-1"},
		},
	}, nil
}

// Validate implements connectors.Describer: path is required and must match
// at least one file; the dialect options must be single characters.
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
	for k, v := range opts {
		if !slices.Contains(optionNames, k) {
			return fmt.Errorf("%w: unknown option %q (allowed: %s)", connectors.ErrBadOptions, k, strings.Join(optionNames, ", "))
		}
		if err := checkOption(k, v); err != nil {
			return fmt.Errorf("%w: option %q: %v", connectors.ErrBadOptions, k, err)
		}
	}
	if _, ok := opts["delim"]; ok {
		if _, ok := opts["delimiter"]; ok {
			return fmt.Errorf("%w: options \"delim\" and \"delimiter\" are the same option: set one", connectors.ErrBadOptions)
		}
	}
	return nil
}

// checkOption checks one option's value.
func checkOption(k string, v any) error {
	switch k {
	case "header":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("must be true or false")
		}
		return nil
	case "path", "encoding":
		if _, ok := v.(string); !ok {
			return fmt.Errorf("must be a string")
		}
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("must be a string")
	}
	switch k {
	case "newline":
		if _, ok := Newlines[strings.ToLower(s)]; !ok {
			return fmt.Errorf("must be lf, crlf or cr, not %q", s)
		}
	case "delimiter", "delim":
		if s == `\t` {
			return nil
		}
		if len(s) != 1 || s[0] == '\n' || s[0] == '\r' {
			return fmt.Errorf("must be one character (\\t for a tab), not %q", s)
		}
	case "quote", "escape":
		if len(s) > 1 || s == "\n" || s == "\r" {
			return fmt.Errorf("must be one character or \"\" for none, not %q", s)
		}
	}
	return nil
}

// Scan implements connectors.Source with a native read_csv scan. The
// dialect options set are passed on as read_csv parameters; the host
// sniffs the rest.
func (s *Source) Scan(ctx context.Context, req connectors.ScanRequest) (*connectors.Scan, error) {
	if err := s.Validate(ctx, req.Options); err != nil {
		return nil, err
	}
	params := map[string]string{}
	o := req.Options
	for _, k := range []string{"delim", "delimiter"} {
		if d := o.String(k); d != "" {
			if d == `\t` {
				d = "\t"
			}
			params["delim"] = d
		}
	}
	for _, k := range []string{"quote", "escape"} {
		if v, ok := o[k].(string); ok {
			params[k] = v
		}
	}
	if nl := o.String("newline"); nl != "" {
		params["new_line"] = Newlines[strings.ToLower(nl)]
	}
	if e := o.String("encoding"); e != "" {
		params["encoding"] = e
	}
	if h, ok := o["header"].(bool); ok {
		params["header"] = fmt.Sprint(h)
	}
	return &connectors.Scan{Native: &connectors.NativeScan{
		Format: connectors.FormatCSV, Paths: []string{o.String("path")}, Params: params,
	}}, nil
}
