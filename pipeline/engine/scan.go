package engine

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// Scan is what a statement reads, as its FROM ({{scan .X}}): exactly one
// of its fields is set. Each kind is rendered by a template under sql/
// (scan.sql picks it), from fixed function names, quoted identifiers and
// bound parameters ($path, $p_*): Go builds none of its SQL text.
type Scan struct {
	CSV      *CSVScan   // read_csv over $path, dialect options bound (csv_scan.sql)
	File     *CSVFile   // a CSV file csvread screened, columns named (csv_file_scan.sql)
	Parquet  bool       // read_parquet($path)
	Table    string     // a table of the pipeline's own (quoted)
	Shard    *ShardScan // a scan narrowed to one shard's rows (shard_scan.sql)
	RawDir   string     // a raw table's files under the folder (read_raw.sql)
	RawFiles []string   // some of a raw table's files (read_raw_files.sql)
}

// CSVScan is read_csv over $path with named arguments (csv_args.sql);
// malformed rows are stored in the rejects tables RejectsTable and
// RejectsScan when those are set, else skipped.
type CSVScan struct {
	Args                      []CSVArg
	RejectsTable, RejectsScan string
}

// CSVArg is one named argument of read_csv or sniff_csv (csv_args.sql):
// Name, one of csvOptions; its value bound as $Param, cast to Cast (a
// type of sqlTypes) when set.
type CSVArg struct{ Name, Param, Cast string }

// CSVFile is a CSV file csvread screened and read the header of
// (csv_file_scan.sql): every column VARCHAR under the header's Names;
// Encoding binds $p_encoding, Control leaves out the lines holding a
// control character ($p_control); rejects as CSVScan's.
type CSVFile struct {
	Names                     []string
	Encoding, Control         bool
	RejectsTable, RejectsScan string
}

// ShardScan is Scan narrowed to one shard's rows (shard_scan.sql): Domain
// and Email are Scan's columns that key the shard ("" when absent).
type ShardScan struct {
	Scan          Scan
	Domain, Email string
}

// kinds counts the fields set.
func (s Scan) kinds() int {
	n := 0
	for _, set := range []bool{s.CSV != nil, s.File != nil, s.Parquet, s.Table != "", s.Shard != nil, s.RawDir != "", len(s.RawFiles) > 0} {
		if set {
			n++
		}
	}
	return n
}

// renderScan is the scan function of the templates: s rendered by
// sql/scan.sql, refused unless exactly one kind is set.
func renderScan(s Scan) (string, error) {
	if n := s.kinds(); n != 1 {
		return "", fmt.Errorf("scan: %d kinds of read set, want one", n)
	}
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, "scan.sql", s); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}

// Key is the scan's rendered SQL, to tell two scans apart (a cache key, a
// fingerprint); templates take the Scan itself ({{scan .X}}).
func (s Scan) Key() string {
	k, err := renderScan(s)
	if err != nil {
		return "invalid scan: " + err.Error()
	}
	return k
}

// csvOptions are the read_csv and sniff_csv arguments a CSVArg may name.
var csvOptions = map[string]bool{
	"delim": true, "header": true, "encoding": true, "quote": true, "escape": true, "new_line": true,
	"comment": true, "skip": true, "buffer_size": true,
}

// sqlTypes are the types a template may cast a bound value to.
var sqlTypes = map[string]bool{"BOOLEAN": true, "BIGINT": true, "INTEGER": true, "VARCHAR": true, "TIMESTAMP": true}

// paramName is a named parameter's name (after the $).
var paramName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// csvOption renders a read_csv argument name, refusing any other word.
func csvOption(name string) (string, error) {
	if !csvOptions[name] {
		return "", fmt.Errorf("not a csv option: %q", name)
	}
	return name, nil
}

// sqlType renders a type of sqlTypes, refusing any other word.
func sqlType(name string) (string, error) {
	if !sqlTypes[name] {
		return "", fmt.Errorf("not a type a value may be cast to: %q", name)
	}
	return name, nil
}

// param renders a parameter's name ({{param .X}} after a $), refusing
// anything but a name.
func param(name string) (string, error) {
	if !paramName.MatchString(name) {
		return "", fmt.Errorf("not a parameter name: %q", name)
	}
	return name, nil
}
