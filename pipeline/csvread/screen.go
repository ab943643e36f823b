package csvread

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxRaw is how much of a rejected line the rejects table keeps (DuckDB
// keeps as much of the lines it rejects).
const maxRaw = 10000

// BadLine is a physical line the screen rejects before DuckDB reads the
// file: it holds a control character. Raw is the line (cut at maxRaw
// bytes) for the rejects table only: it is personal data and never goes
// into an error or a log.
type BadLine struct {
	Line   int64 // 1-based physical line
	Reason string
	Raw    string
}

// screen is what one pass over a file's bytes finds.
type screen struct {
	lines    int64 // physical lines (a last line without a newline counts)
	crlf, lf int64 // lines ending in CRLF, in LF alone
	bad      []BadLine
}

// mixed reports whether the file's lines end in both CRLF and LF: DuckDB
// reads neither way (it stops, or with a CRLF header reads no rows at all).
func (s *screen) mixed() bool { return s.crlf > 0 && s.lf > 0 }

// controlByte returns the first control character of line (not its line
// ending) other than tab, and whether there is one. A carriage return is
// one unless it ends the line.
func controlByte(line []byte) (byte, bool) {
	for _, b := range line {
		if isControl(b) {
			return b, true
		}
	}
	return 0, false
}

// isControl reports whether b is a control character the screen rejects
// in a line's text: below 0x20 but tab, and DEL.
func isControl(b byte) bool { return (b < 0x20 && b != '\t') || b == 0x7f }

// lineReader reads physical lines of any length.
type lineReader struct {
	r    *bufio.Reader
	long []byte
}

// next returns the next line with its ending ("" at the end: io.EOF).
func (lr *lineReader) next() ([]byte, error) {
	lr.long = lr.long[:0]
	for {
		b, err := lr.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			lr.long = append(lr.long, b...)
			continue
		}
		if len(lr.long) > 0 {
			lr.long = append(lr.long, b...)
			b = lr.long
		}
		if err == io.EOF && len(b) > 0 {
			return b, nil
		}
		return b, err
	}
}

// split cuts a line from its ending and reports which one it was.
func split(line []byte) (body []byte, crlf, lf bool) {
	n := len(line)
	switch {
	case n >= 2 && line[n-2] == '\r' && line[n-1] == '\n':
		return line[:n-2], true, false
	case n >= 1 && line[n-1] == '\n':
		return line[:n-1], false, true
	}
	return line, false, false
}

// screenFile reads path once: its line endings and the lines holding a
// control character other than tab (their text decoded from Latin-1 when
// latin1). The header line (the first) is never
// a bad line: a control character there is an error.
func screenFile(path string, latin1 bool) (*screen, error) {
	if s, clean, err := screenClean(path, screenBlock); err != nil || clean {
		return s, err
	}
	return screenLines(path, latin1)
}

// screenLines is screenFile's pass line by line, which says where each
// bad line is.
func screenLines(path string, latin1 bool) (*screen, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	lr := &lineReader{r: bufio.NewReaderSize(f, 1<<20)}
	s := &screen{}
	for {
		line, err := lr.next()
		if err == io.EOF {
			return s, nil
		}
		if err != nil {
			return nil, err
		}
		s.lines++
		body, crlf, lf := split(line)
		if crlf {
			s.crlf++
		} else if lf {
			s.lf++
		}
		if c, ok := controlByte(body); ok {
			if s.lines == 1 && c == '\r' && !lf && !crlf {
				return nil, &FileError{File: filepath.Base(path), Reason: "its lines end in CR alone (an old Mac file): save it with LF or CRLF line endings"}
			}
			if s.lines == 1 {
				return nil, &LineError{File: filepath.Base(path), Line: 1, Reason: fmt.Sprintf("the header line holds control character 0x%02x (a UTF-16 file? set the source's encoding: utf-16)", c)}
			}
			s.bad = append(s.bad, BadLine{Line: s.lines, Reason: fmt.Sprintf("CONTROL CHARACTER 0x%02X", c), Raw: rawText(body, latin1)})
		}
	}
}

// normalise writes a copy of path into dir (0600) with every line ending
// in LF, so that DuckDB reads a file whose lines end in both CRLF and LF;
// lines and their numbers stay the file's.
func normalise(path, dir string) (string, error) {
	in, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out := filepath.Join(dir, "normalised.csv")
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	lr := &lineReader{r: bufio.NewReaderSize(in, 1<<20)}
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.Close()
			return "", err
		}
		body, _, _ := split(line)
		w.Write(body)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return "", err
	}
	return out, f.Close()
}

// rawText is a rejected line as the rejects table keeps it: cut at maxRaw
// bytes, as UTF-8 (Latin-1 decoded; invalid bytes replaced: DuckDB takes
// no invalid UTF-8 in a bound value, its Go binding crashed on one).
func rawText(b []byte, latin1 bool) string {
	if len(b) > maxRaw {
		b = b[:maxRaw]
	}
	if latin1 {
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
