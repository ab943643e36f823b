package csvread

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// ErrData marks a problem of a file's data (exit 1), not of the config.
var ErrData = errors.New("csv data")

// LineError is a problem at one line of a file that stops reading it.
type LineError struct {
	File   string // base name
	Line   int64
	Reason string // never the line's content
}

func (e *LineError) Error() string {
	return fmt.Sprintf("%s line %d: %s", e.File, e.Line, e.Reason)
}

// Unwrap makes a LineError an ErrData.
func (e *LineError) Unwrap() error { return ErrData }

// FileError is a problem of a whole file: DuckDB could not read it. Its
// message is one of a fixed set: DuckDB's own may quote the file.
type FileError struct {
	File   string // base name
	Reason string
}

func (e *FileError) Error() string { return fmt.Sprintf("%s: %s", e.File, e.Reason) }

// Unwrap makes a FileError an ErrData.
func (e *FileError) Unwrap() error { return ErrData }

func base(path string) string { return filepath.Base(path) }

// fileErr wraps an I/O error of the screen (its text names the path only).
func fileErr(path string, err error) error {
	return fmt.Errorf("csv %s: %w", base(path), err)
}

// reasons maps DuckDB's CSV error messages to what is said instead. The
// first match wins; the message itself is never shown (DuckDB's quote
// the lines, the sniffer's sample, or the whole file).
var reasons = []struct {
	re  *regexp.Regexp
	say string
}{
	{regexp.MustCompile(`(?i)unicode|encoding|utf-?8|utf-?16|latin`), "the bytes are not in the file's encoding: check the source's `encoding:` option"},
	{regexp.MustCompile(`(?i)maximum line size`), "a line is longer than the 2,000,000 bytes a line may have"},
	{regexp.MustCompile(`(?i)sniff|detect the csv`), "the CSV dialect could not be detected: set delimiter, quote, escape and header in the source's options"},
	{regexp.MustCompile(`(?i)state machine|unterminated|quote`), "the file does not parse with its dialect: check delimiter, quote, escape and newline in the source's options"},
	{regexp.MustCompile(`(?i)no such file|does not exist|no files found`), "the file does not exist"},
	{regexp.MustCompile(`(?i)permission denied`), "the file cannot be read (permission denied)"},
}

// Failure turns an error DuckDB returned while reading the CSV file at
// path into one that names the file and the kind of problem, and never
// the file's content. Errors that are not DuckDB's (a context's) pass.
func Failure(path string, err error) error {
	if err == nil {
		return nil
	}
	var le *LineError
	var fe *FileError
	if errors.As(err, &le) || errors.As(err, &fe) || errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	msg := err.Error()
	if strings.Contains(msg, "context canceled") || strings.Contains(msg, "Interrupted") {
		return err
	}
	say := "DuckDB could not read it as CSV: check the source's options (delimiter, quote, escape, header, newline, encoding)"
	for _, r := range reasons {
		if r.re.MatchString(msg) {
			say = r.say
			break
		}
	}
	return &FileError{File: base(path), Reason: say}
}

// CheckEncoding refuses a file declared UTF-16 that is not: DuckDB reads
// such a file as no rows at all, without an error. A UTF-16 file starts
// with a byte-order mark or has a zero byte in its first characters.
func CheckEncoding(path, encoding string) error {
	if !strings.HasPrefix(strings.ToLower(encoding), "utf-16") && !strings.HasPrefix(strings.ToLower(encoding), "utf16") {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fileErr(path, err)
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if n == 0 || bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}) || bytes.IndexByte(head, 0) >= 0 {
		return nil
	}
	return &FileError{File: base(path), Reason: "the file is not UTF-16 (no byte-order mark, no zero bytes): check the source's `encoding:` option"}
}
