package csvread

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/example/pipeline/pipeline/engine"
)

// Dialect is how a CSV file is read. Newline is "lf" or "crlf".
type Dialect struct {
	Delim, Quote, Escape string // Quote and Escape "" for none
	Newline              string
	Header               bool
	// Origin says where the dialect came from: "sniffed", or "default"
	// when the sniff failed (the declared options and the defaults then).
	Origin string
}

// String shows the dialect as validate prints it.
func (d Dialect) String() string {
	show := func(s string) string {
		switch s {
		case "":
			return "none"
		case "\t":
			return `\t`
		}
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("delimiter %s, quote %s, escape %s, newline %s, header %t (%s)",
		show(d.Delim), show(d.Quote), show(d.Escape), d.Newline, d.Header, d.Origin)
}

// Defaults of the dialect when neither the sniff nor the options say.
const (
	DefaultDelim  = ","
	DefaultQuote  = `"`
	DefaultEscape = `"`
)

// sniff asks DuckDB's sniffer for the dialect on a sample of path, with
// the declared options (given: read_csv parameters) fixed. ok is false
// when the sniff fails: the caller falls back to declared and defaults.
func sniff(ctx context.Context, q Querier, path string, given map[string]string) (d Dialect, ok bool) {
	var opts []engine.CSVArg
	args := []any{sql.Named("path", path)}
	for _, k := range []string{"delim", "quote", "escape", "encoding", "header"} {
		if v, set := given[k]; set {
			a := engine.CSVArg{Name: k, Param: "p_" + k}
			if k == "header" {
				a.Cast = "BOOLEAN"
			}
			opts = append(opts, a)
			args = append(args, sql.Named(a.Param, v))
		}
	}
	query, err := engine.Render("csv_dialect_sniff", opts)
	if err != nil {
		return Dialect{}, false
	}
	var delim, quote, escape string
	var header bool
	if err := q.QueryRowContext(ctx, query, args...).Scan(&delim, &quote, &escape, &header); err != nil {
		return Dialect{}, false
	}
	none := func(s string) string {
		if s == "(empty)" {
			return ""
		}
		return s
	}
	d = Dialect{Delim: delim, Quote: none(quote), Escape: none(escape), Header: header, Origin: "sniffed"}
	// A sample without quotes says nothing of the lines after it: unless
	// declared, the quote stays the standard one (a file without quotes
	// reads the same), so that a quote later is a field's or a reject,
	// never data.
	if _, set := given["quote"]; !set && d.Quote == "" {
		d.Quote = DefaultQuote
	}
	if _, set := given["escape"]; !set && d.Escape == "" {
		d.Escape = d.Quote
	}
	return d, true
}

// fallback is the dialect from the declared options and the defaults.
func fallback(given map[string]string) Dialect {
	d := Dialect{Delim: DefaultDelim, Quote: DefaultQuote, Escape: DefaultEscape, Header: true, Origin: "default"}
	if v, ok := given["delim"]; ok {
		d.Delim = v
	}
	if v, ok := given["quote"]; ok {
		d.Quote = v
	}
	if v, ok := given["escape"]; ok {
		d.Escape = v
	}
	if v, ok := given["header"]; ok {
		d.Header = v == "true"
	}
	return d
}

// firstLine returns the first line of path without its ending and a
// UTF-8 byte-order mark.
func firstLine(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	lr := &lineReader{r: bufio.NewReaderSize(f, 1<<16)}
	line, err := lr.next()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	body, _, _ := split(line)
	return []byte(strings.TrimPrefix(string(body), "\uFEFF")), nil
}

// columnNames are the names of the file's columns: the header's fields
// (empty ones named column<i>, repeated ones suffixed _<n>, as DuckDB
// names them), or column0, column1, ... without a header.
func columnNames(path string, d Dialect, latin1 bool) ([]string, error) {
	line, err := firstLine(path)
	if err != nil {
		return nil, err
	}
	if latin1 {
		r := make([]rune, len(line))
		for i, b := range line {
			r[i] = rune(b)
		}
		line = []byte(string(r))
	}
	fields, ok := splitFields(string(line), d)
	if !ok {
		return nil, &LineError{File: filepath.Base(path), Line: 1, Reason: "the first line has an unterminated quote"}
	}
	names := make([]string, len(fields))
	seen := map[string]bool{}
	for i, f := range fields {
		name := strings.ToValidUTF8(f, "\uFFFD")
		if !d.Header || name == "" {
			name = fmt.Sprintf("column%d", i)
		}
		base := name
		for n := 1; seen[name]; n++ {
			name = fmt.Sprintf("%s_%d", base, n)
		}
		seen[name] = true
		names[i] = name
	}
	return names, nil
}

// splitFields splits one line into fields with the dialect; ok is false
// when a quote is not closed.
func splitFields(line string, d Dialect) (fields []string, ok bool) {
	var cur strings.Builder
	inQuote := false
	for i := 0; i < len(line); i++ {
		rest := line[i:]
		switch {
		case inQuote && d.Escape != "" && strings.HasPrefix(rest, d.Escape) && len(rest) > len(d.Escape) &&
			(strings.HasPrefix(rest[len(d.Escape):], d.Quote) || strings.HasPrefix(rest[len(d.Escape):], d.Escape)):
			i += len(d.Escape)
			cur.WriteByte(line[i])
		case inQuote && strings.HasPrefix(rest, d.Quote):
			inQuote = false
		case !inQuote && d.Quote != "" && strings.HasPrefix(rest, d.Quote):
			inQuote = true
		case !inQuote && strings.HasPrefix(rest, d.Delim):
			fields = append(fields, cur.String())
			cur.Reset()
			i += len(d.Delim) - 1
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(fields, cur.String()), !inQuote
}
