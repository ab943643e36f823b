// Package connectors defines how pipeline reads sources and writes sinks.
//
// A connector is small: a Source hands the host either a native scan that
// DuckDB runs itself (files) or a stream of Arrow record batches (external
// systems); a Sink takes a stream of Arrow record batches, or adopts files
// DuckDB already wrote into a staging directory it chose. Optional
// capabilities (Locate, Erase) are separate interfaces checked at run time.
//
// Layering rule: nothing under connectors/ imports pipeline/ or DuckDB, so a
// connector builds without cgo.
package connectors

import (
	"context"
	"errors"

	"github.com/apache/arrow-go/v18/arrow"
)

// Kind says whether a connector reads (source) or writes (sink).
type Kind string

// Connector kinds.
const (
	KindSource Kind = "source"
	KindSink   Kind = "sink"
)

// Capability names reported by Describe.
const (
	CapNativeScan  = "native_scan"  // Scan may return a NativeScan
	CapArrowStream = "arrow_stream" // Scan/Write stream Arrow batches
	CapNativeWrite = "native_write" // Sink adopts files DuckDB staged
	CapLocate      = "locate"       // Sink implements Locator
	CapErase       = "erase"        // Sink implements Eraser
)

// ErrBadOptions wraps every option validation error.
var ErrBadOptions = errors.New("connectors: bad options")

// Options are a connector's settings from pipeline.yaml, with ${ENV}
// already expanded and relative paths already resolved by the host. Leaves
// are strings, numbers, bools, lists or nested maps, as YAML gave them.
type Options map[string]any

// String returns the option key as a string ("" when absent).
func (o Options) String(key string) string {
	if v, ok := o[key]; ok && v != nil {
		if s, ok := v.(string); ok {
			return s
		}
	}
	return ""
}

// OptionSpec documents one option in a connector's Description.
type OptionSpec struct {
	Name     string `json:"name"`
	Type     string `json:"type"` // string|int|bool|map|list
	Required bool   `json:"required"`
	Secret   bool   `json:"secret"` // never logged or echoed in errors
	Doc      string `json:"doc"`
}

// Description is what a connector says of itself.
type Description struct {
	Name         string       `json:"name"`
	Kind         Kind         `json:"kind"`
	Version      string       `json:"version"`
	Capabilities []string     `json:"capabilities"`
	Options      []OptionSpec `json:"options"`
}

// Has reports whether the description lists capability c.
func (d Description) Has(c string) bool {
	for _, x := range d.Capabilities {
		if x == c {
			return true
		}
	}
	return false
}

// Describer is implemented by every connector.
type Describer interface {
	Describe(ctx context.Context) (Description, error)
	// Validate checks options without touching the outside world where it
	// can; errors wrap ErrBadOptions and name the option.
	Validate(ctx context.Context, opts Options) error
}

// Native scan formats: which DuckDB reader a NativeScan asks for.
const (
	FormatCSV     = "csv"     // read_csv
	FormatParquet = "parquet" // read_parquet
)

// NativeScan is a read DuckDB performs itself: read_csv or read_parquet
// over Paths (globs allowed) with the given named parameters.
type NativeScan struct {
	Format string            // FormatCSV | FormatParquet
	Paths  []string          // absolute paths or globs
	Params map[string]string // extra reader parameters, e.g. delim=";"
}

// RecordReader streams Arrow record batches. Next returns io.EOF after
// the last batch. The caller releases each batch it receives; Close
// releases the stream (and, over a plugin, cancels the remote scan).
type RecordReader interface {
	Schema() *arrow.Schema
	Next(ctx context.Context) (arrow.RecordBatch, error)
	Close() error
}

// Scan is a source's answer: exactly one of Native or Records is set.
type Scan struct {
	Native  *NativeScan
	Records RecordReader
}

// ScanRequest asks a source for its rows.
type ScanRequest struct {
	Source  string // the source's name in pipeline.yaml (for messages)
	Options Options
}

// Source reads rows from somewhere.
type Source interface {
	Describer
	Scan(ctx context.Context, req ScanRequest) (*Scan, error)
}

// File is one file a sink wrote, as recorded in the export manifest.
type File struct {
	Path   string `json:"path"` // relative to the sink's root (e.g. dir option)
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	// Bucket is the leading hex characters of subject_key every row of
	// the file starts with ("" : any); see connectors/manifest.
	Bucket string `json:"bucket,omitempty"`
}

// WriteResult is what a sink wrote.
type WriteResult struct {
	Location string `json:"location"` // where it went (dir, table), never a secret
	Rows     int64  `json:"rows"`
	Files    []File `json:"files,omitempty"`
}

// WriteRequest hands a sink one export. Exactly one of Records or
// StagedDir is set: StagedDir when the sink implements NativeWriter and
// the host already had DuckDB write the files there.
type WriteRequest struct {
	Export      string // export name in pipeline.yaml
	RunID       string
	Options     Options
	PartitionBy []string
	Records     RecordReader
	StagedDir   string
	// Metadata goes into the sink's manifest as is (campaign, recipient,
	// run id, ...); never personal data.
	Metadata map[string]string
}

// Sink writes an export somewhere. Write must be atomic: readers see the
// previous export or the new one, never a mix or a half.
type Sink interface {
	Describer
	Write(ctx context.Context, req WriteRequest) (*WriteResult, error)
}

// OptionDir is the option a NativeWriter sink keeps its adopted files
// under: the folder of the export's Parquet files and manifest.
const OptionDir = "dir"

// NativeWriter is an optional Sink capability: the sink names a staging
// directory (on the same filesystem as its target) where the host has
// DuckDB write Parquet files itself; Write then adopts them atomically
// into the folder its OptionDir option names. Because the host wrote
// them, the host locates and erases a subject in them itself
// (pipeline/exportfiles): such a sink needs no Locator or Eraser.
type NativeWriter interface {
	StagingDir(ctx context.Context, export, runID string, opts Options) (string, error)
}

// Abort discards a staging directory after a failed run (optional).
type Aborter interface {
	Abort(ctx context.Context, export, runID string, opts Options) error
}

// Location is where a sink holds rows of one subject.
type Location struct {
	Place string `json:"place"` // file path or table name
	Rows  int64  `json:"rows"`
}

// Locator is an optional Sink capability used by SAR: where does the sink
// hold rows with this subject_key? A sink that neither implements it
// (with CapLocate) nor is a NativeWriter is reported to the DPO as "not
// searchable: notify the recipient".
type Locator interface {
	Locate(ctx context.Context, opts Options, subjectKey string) ([]Location, error)
}

// Eraser is an optional Sink capability used by erasure, restriction and
// objection: remove every row with this subject_key and return how many;
// idempotent. A sink without it (and not a NativeWriter) is reported as
// "not searchable: notify the recipient".
type Eraser interface {
	Erase(ctx context.Context, opts Options, subjectKey string) (int64, error)
}
