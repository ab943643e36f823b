// Package csvread reads a CSV file the way the pipeline promises: every
// physical line becomes a row or exactly one reject with its true line
// number, whatever the file's line endings, and no error carries a line's
// content. It screens the file once in Go (line endings, control
// characters), sniffs the dialect on a sample (falling back to the
// declared options and the defaults), reads the header itself and hands
// DuckDB a read_csv that does not sniff again (auto_detect off, every
// column VARCHAR under a generated name, renamed to the header's).
package csvread

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"

	"github.com/example/pipeline/pipeline/engine"
)

// Querier is what a sniff needs of a DuckDB connection.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// File is one CSV file ready to be read.
type File struct {
	Path    string // the file as named in the config
	Names   []string
	Dialect Dialect
	// Bad are the lines the screen rejected (Scan leaves them out).
	Bad []BadLine
	// Lines is the file's physical line count, header included.
	Lines int64
	// Params are Scan's parameters ($path, $p_*), to bind with the
	// query's own.
	Params engine.Params
	read   string // the file DuckDB reads: Path, or its normalised copy
	tmp    string // the copy's folder ("" without one)
}

// Screenable reports whether the encoding is one the screen can read a
// byte at a time (UTF-8 and Latin-1); other files are read by DuckDB
// alone.
func Screenable(encoding string) bool {
	switch strings.ToLower(strings.ReplaceAll(encoding, "_", "-")) {
	case "", "utf-8", "utf8", "latin-1", "latin1":
		return true
	}
	return false
}

// Prepare screens path, sniffs its dialect (the declared read_csv
// parameters given fixed) and reads its header. A file whose lines end in
// both CRLF and LF is read from a normalised copy in a 0700 folder under
// tmpDir ("" = the system's), removed by Close. Problems of the file
// come back as *LineError or *FileError, without its content.
func Prepare(ctx context.Context, q Querier, path string, given map[string]string, tmpDir string) (*File, error) {
	f := &File{Path: path, read: path}
	latin1 := strings.HasPrefix(strings.ToLower(given["encoding"]), "latin")
	s, err := screenFile(path, latin1)
	if err != nil {
		return nil, fileErr(path, err)
	}
	f.Bad, f.Lines = s.bad, s.lines
	f.Dialect.Newline = "lf"
	switch {
	case s.mixed():
		if tmpDir != "" {
			if err := os.MkdirAll(tmpDir, 0o700); err != nil {
				return nil, fmt.Errorf("csv %s: temp folder: %w", base(path), err)
			}
		}
		if f.tmp, err = os.MkdirTemp(tmpDir, "pipeline-csv-"); err != nil {
			return nil, fmt.Errorf("csv %s: temp folder: %w", base(path), err)
		}
		if f.read, err = normalise(path, f.tmp); err != nil {
			f.Close()
			return nil, fmt.Errorf("csv %s: normalise line endings: %w", base(path), err)
		}
	case s.crlf > 0:
		f.Dialect.Newline = "crlf"
	}
	d, ok := sniff(ctx, q, f.read, given)
	if !ok {
		d = fallback(given)
	}
	d.Newline = f.Dialect.Newline
	f.Dialect = d
	if f.Names, err = columnNames(f.read, d, latin1); err != nil {
		f.Close()
		return nil, err
	}
	f.Params = engine.Params{"path": []string{f.read}, "p_delim": d.Delim, "p_quote": d.Quote, "p_escape": d.Escape,
		"p_new_line": map[string]string{"lf": `\n`, "crlf": `\r\n`}[d.Newline], "p_header": d.Header}
	if e := given["encoding"]; e != "" {
		f.Params["p_encoding"] = e
	}
	return f, nil
}

// Close removes the normalised copy, if any.
func (f *File) Close() {
	if f.tmp != "" {
		_ = os.RemoveAll(f.tmp)
		f.tmp = ""
	}
}

// Normalised reports whether DuckDB reads a normalised copy (ReadPath).
func (f *File) Normalised() bool { return f.read != f.Path }

// ReadPath is the file DuckDB reads.
func (f *File) ReadPath() string { return f.read }

// ControlPattern matches a value holding a control character other than
// tab (a line the screen rejected): $p_control in Scan.
const ControlPattern = "[\\x00-\\x08\\x0b-\\x1f\\x7f]"

// Scan is the scan that reads the file (sql/csv_file_scan.sql): every
// column VARCHAR under the header's name, malformed lines stored in
// DuckDB's rejects tables (rejects = [errors, scans]) or skipped (empty
// rejects), and the lines holding a control character (Bad) left out. Its
// values are in Params.
func (f *File) Scan(rejects [2]string) engine.Scan {
	_, enc := f.Params["p_encoding"]
	if len(f.Bad) > 0 {
		f.Params["p_control"] = ControlPattern
	}
	return engine.Scan{File: &engine.CSVFile{Names: f.Names, Encoding: enc, Control: len(f.Bad) > 0,
		RejectsTable: rejects[0], RejectsScan: rejects[1]}}
}
