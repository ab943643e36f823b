// Package config loads pipeline.yaml strictly: every unknown key, wrong type,
// missing value and broken rule becomes a Diagnostic with the file, line and
// column of the offending key or value, and all of them are reported at once.
//
// The package does no I/O beyond reading the file in Load; Parse is pure apart
// from the injected environment lookup and the path rules, which resolve the
// symbolic links of the paths a config names (validate_paths.go).
package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is a loaded and validated pipeline.yaml. Paths are absolute. A
// Config is read-only after Load: its methods are safe for concurrent use.
type Config struct {
	File, Dir      string // absolute path of the YAML file and its folder
	Version        int
	Name           string
	Controller     Controller
	Warehouse      string // absolute (resolved from Dir)
	ExportsDir     string // absolute; default Dir/exports
	Engine         Engine
	Limits         Limits
	Sources        map[string]*Source
	SourceOrder    []string // source names in file order
	Targeting      Targeting
	Campaigns      map[string]*Campaign
	CampaignOrder  []string // campaign names in file order
	Exports        map[string]*Export
	ExportOrder    []string // export names in file order
	Classification Classification
	// Warnings are problems that do not stop a run (a recipient without
	// a contact), positioned like Diagnostics.
	Warnings Diagnostics

	display string            // the file name as given to Parse, for diagnostics
	root    *yaml.Node        // the document's top-level node, for Pos
	pending *pendingPredicate // the targeting predicate LoadDeferred left to CheckTargeting
}

// Controller is the data controller named in reports (SAR, audit).
type Controller struct {
	Name, Contact string
}

// Engine holds the DuckDB settings.
type Engine struct {
	Threads       int    // 0 means DuckDB's default
	MemoryLimit   string // as written, e.g. "4GB"; empty means DuckDB's default
	TempDirectory string // absolute; default: the warehouse's folder/tmp
	// RawCompression is how a run writes its raw_<source> Parquet files:
	// RawCompressionFast (default) uncompressed, RawCompressionSmall zstd.
	RawCompression string
	// RawBuckets is how many subject buckets a people source's raw rows
	// are stored in (one folder of Parquet files each, by
	// engine.EmailBucket of the normalised email): a SAR reads and an
	// erasure rewrites one bucket. Default DefaultRawBuckets.
	RawBuckets int
}

// engine.raw_buckets bounds.
const (
	DefaultRawBuckets = 16
	MaxRawBuckets     = 1024
)

// engine.raw_compression values.
const (
	// RawCompressionFast writes raw Parquet files uncompressed (DuckDB's
	// dictionary and plain encodings only): the quicker run.
	RawCompressionFast = "fast"
	// RawCompressionSmall writes them with zstd: about 2.5 times smaller.
	RawCompressionSmall = "small"
)

// Limits are the run's failure thresholds.
type Limits struct {
	MaxRejectRate float64 // share of quarantined rows per source that fails the run; default 0.05, in [0,1]
	// RejectsRetention is how long a rejected line (personal data: the
	// raw line) is kept, whatever its source: default 30 days; a source
	// with a shorter retention keeps its rejects only that long.
	RejectsRetention Retention
}

// Targeting selects companies (a DuckDB predicate) and the roles of people
// kept at those companies.
type Targeting struct {
	Companies string // a pure DuckDB expression over company columns; empty keeps all
	Roles     []Role
}

// Role is one targeted department with its seniorities (empty: any seniority).
type Role struct {
	Department string
	Seniority  []string
}

// Source is one input dataset read through a connector.
type Source struct {
	Name, Role, Kind, Reason, Connector string // Kind and Reason only for role suppression
	// Description says who or what the source is (e.g. the vendor's
	// name), for data subjects: SAR reports name it. "" when not given.
	Description string
	// Options are the connector options with ${VAR} expanded in every string
	// leaf and relative top-level "path", "dir" and "file" values resolved
	// against the config's folder. They may hold secrets: never log them.
	Options map[string]any
	// RawOptions are the options as written (secrets stay as ${VAR}); safe to display.
	RawOptions map[string]any
	Map        map[string]string // canonical column <- source column
	Retention  Retention         // zero value = keep forever
	// RetentionFrom is where Retention counts from for a people or
	// reference source: RetentionFromFirstSeen (the default) or
	// RetentionFromLastSeen (see docs/retention.md).
	RetentionFrom string
	// MaxRejectRate is the source's own limit on the share of rejected
	// lines (nil: not set). A suppression list without one fails closed:
	// any rejected line stops the run (see RejectLimit).
	MaxRejectRate *float64
}

// Campaign is one use of the data for one recipient, with its lawful basis.
type Campaign struct {
	Name, Recipient, Purpose, LawfulBasis string
	// RecipientContact is how the recipient is reached for GDPR Art. 19
	// notices (recipient: {name, contact}); empty when not given.
	RecipientContact string
	Regions          []string // ISO 3166-1 alpha-2, upper case
	// Channels are the outreach channels (email, phone, linkedin); they
	// decide which personal columns an export may carry. Empty means email.
	Channels []string
	LIA      LIA
}

// LIA is a Legitimate Interests Assessment. For a legitimate_interests
// campaign a loaded Config guarantees all three tests are "passed".
type LIA struct {
	AssessedOn                                            time.Time
	AssessedBy, PurposeTest, NecessityTest, BalancingTest string
	B2B                                                   bool
	ReviewBy                                              time.Time // zero when not given; past it the campaign is refused (CheckLIADates)
	Answers                                               LIAAnswers
}

// Export is one deliverable: the columns of a campaign's rows written to a sink.
type Export struct {
	Name, Campaign       string
	Columns, PartitionBy []string
	// KeepPartitionColumns writes the partition columns inside the files
	// too; by default their values are only in the hive folder names.
	KeepPartitionColumns bool
	// RowsPerFile bounds the rows of each file a file sink receives
	// (docs/exports-files.md); 0 (not given) means DefaultRowsPerFile:
	// read it through FileRows.
	RowsPerFile int
	Sink        Sink
}

// DefaultRowsPerFile is an export's rows_per_file when not given.
const DefaultRowsPerFile = 131072

// FileRows is the most rows one of the export's files may hold.
func (e *Export) FileRows() int {
	if e.RowsPerFile > 0 {
		return e.RowsPerFile
	}
	return DefaultRowsPerFile
}

// Sink is the connector an export is written through. Options and
// RawOptions follow the same rules as Source's.
type Sink struct {
	Connector  string
	Options    map[string]any
	RawOptions map[string]any
}

// Classification tunes the classify stage.
type Classification struct {
	Pin        map[string]string // "dataset.column" -> category (see Categories)
	SampleSize int               // rows sampled per column; default 1000
	Threshold  float64           // minimum confidence; default 0.8
}

// DefaultRejectsRetention is Limits.RejectsRetention when the config leaves it out.
var DefaultRejectsRetention = Retention{N: 30, Unit: "day"}

// Defaults applied when the config leaves a value out.
const (
	DefaultMaxRejectRate = 0.05 // Limits.MaxRejectRate
	DefaultSampleSize    = 1000 // Classification.SampleSize
	DefaultThreshold     = 0.8  // Classification.Threshold
)

// Load reads and parses the file at path, expanding ${VAR} from the process
// environment. I/O errors are returned wrapped; config problems are returned
// as Diagnostics (all of them), whose file names are path as given.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data, os.LookupEnv)
}

// LoadDeferred is Load without the check of the targeting predicate,
// which needs a DuckDB of its own: the caller must call CheckTargeting on
// a connection it opens anyway before it answers anything (the rights
// commands, whose latency a second DuckDB would add to).
func LoadDeferred(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return parse(path, data, os.LookupEnv, true)
}

// Parse parses and validates data as the pipeline.yaml named file. file is
// used as given in diagnostics and made absolute for Config.File and Dir.
// getenv looks up ${VAR} references; nil means os.LookupEnv.
//
// Any config problem yields a Diagnostics error, sorted by position. In that
// case the returned Config is nil when the YAML itself is broken, otherwise
// only partly filled (useful for Pos) and must not be used to run anything.
func Parse(file string, data []byte, getenv func(string) (string, bool)) (*Config, error) {
	return parse(file, data, getenv, false)
}

func parse(file string, data []byte, getenv func(string) (string, bool), deferPredicate bool) (*Config, error) {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c := &Config{File: abs, Dir: filepath.Dir(abs), display: file}
	root, diags := parseYAML(file, data)
	if len(diags) > 0 {
		return nil, diags
	}
	c.root = root
	d := &decoder{file: file, dir: c.Dir, getenv: getenv, deferPredicate: deferPredicate}
	d.config(c, root)
	c.pending = d.pending
	d.validate(c)
	c.Warnings = d.warns.sorted()
	if len(d.diags) > 0 {
		return c, d.diags.sorted()
	}
	return c, nil
}

// sorted returns ds ordered by file and position, without exact duplicates.
func (ds Diagnostics) sorted() Diagnostics {
	out := make(Diagnostics, len(ds))
	copy(out, ds)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	dedup := out[:0]
	for i, d := range out {
		if i > 0 && d == out[i-1] {
			continue
		}
		dedup = append(dedup, d)
	}
	return dedup
}
