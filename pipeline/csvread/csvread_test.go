package csvread

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/engine"
)

func TestSplitFields(t *testing.T) {
	std := Dialect{Delim: ",", Quote: `"`, Escape: `"`}
	tests := []struct {
		give    string
		d       Dialect
		want    []string
		wantBad bool
	}{
		{"a,b,c", std, []string{"a", "b", "c"}, false},
		{`"First Name","a,b",""`, std, []string{"First Name", "a,b", ""}, false},
		{`"say ""hi""",x`, std, []string{`say "hi"`, "x"}, false},
		{`"open,x`, std, nil, true},
		{"a\tb", Dialect{Delim: "\t", Quote: `"`, Escape: `"`}, []string{"a", "b"}, false},
		{`'a;b';c`, Dialect{Delim: ";", Quote: "'", Escape: `\`}, []string{"a;b", "c"}, false},
		{`a"b,c`, Dialect{Delim: ",", Quote: ""}, []string{`a"b`, "c"}, false},
	}
	for _, tt := range tests {
		got, ok := splitFields(tt.give, tt.d)
		if ok == tt.wantBad || (ok && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("splitFields(%q) = %q, %v; want %q, bad %v", tt.give, got, ok, tt.want, tt.wantBad)
		}
	}
}

func TestScreen(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.csv")
	long := strings.Repeat("x", 3<<20)
	os.WriteFile(p, []byte("a,b\r\n1,2\nN\x00L,3\r\n"+long+",4\n5,\x7f\nlast,no newline"), 0o600)
	s, err := screenFile(p, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.lines != 6 || s.crlf != 2 || s.lf != 3 || !s.mixed() {
		t.Errorf("screen = %d lines, %d crlf, %d lf", s.lines, s.crlf, s.lf)
	}
	if len(s.bad) != 2 || s.bad[0].Line != 3 || s.bad[0].Reason != "CONTROL CHARACTER 0x00" || s.bad[1].Line != 5 {
		t.Errorf("bad = %+v", s.bad)
	}
	os.WriteFile(p, []byte("a,b\r1,2\r"), 0o600)
	var fe *FileError
	if _, err := screenFile(p, false); !errors.As(err, &fe) || !strings.Contains(err.Error(), "CR alone") {
		t.Errorf("CR line endings: %v", err)
	}
	os.WriteFile(p, []byte("a,\x00b\n1,2\n"), 0o600)
	var le *LineError
	if _, err := screenFile(p, false); !errors.As(err, &le) || le.Line != 1 || !errors.Is(err, ErrData) {
		t.Errorf("control character in the header: %v", err)
	}
}

func TestRawText(t *testing.T) {
	if got := rawText([]byte("N\x00\xf8x"), false); got != "N\x00\uFFFDx" {
		t.Errorf("utf-8: %q", got)
	}
	if got := rawText([]byte("Jos\xe9"), true); got != "José" {
		t.Errorf("latin-1: %q", got)
	}
	if got := rawText([]byte(strings.Repeat("x", maxRaw+5)), false); len(got) != maxRaw {
		t.Errorf("not cut: %d bytes", len(got))
	}
}

func TestColumnNames(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.csv")
	os.WriteFile(p, []byte("\uFEFFa,,a,\xff\n1,2,3,4\n"), 0o600)
	d := Dialect{Delim: ",", Quote: `"`, Escape: `"`, Header: true}
	got, err := columnNames(p, d, false)
	if want := []string{"a", "column1", "a_1", "\uFFFD"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("names = %q, %v; want %q", got, err, want)
	}
	d.Header = false
	if got, _ := columnNames(p, d, false); !reflect.DeepEqual(got, []string{"column0", "column1", "column2", "column3"}) {
		t.Errorf("without header: %q", got)
	}
}

// TestPrepare reads files DuckDB's sniffer gives up on: mixed line
// endings, and malformed lines in a small sample; each malformed line is
// one reject at its line.
func TestPrepare(t *testing.T) {
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dir := t.TempDir()
	p := filepath.Join(dir, "f.csv")
	os.WriteFile(p, []byte("a,b,c\r\n1,2,3\n4,5\n6,7,8,9\n7,\x01,9\n\"10,11,12\n13,14,15\n"), 0o600)
	f, err := Prepare(ctx, c, p, nil, filepath.Join(dir, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Normalised() || f.Dialect.Newline != "lf" || len(f.Bad) != 1 || f.Bad[0].Line != 5 {
		t.Errorf("file = %+v", f)
	}
	q := "SELECT a || b || c FROM " + f.Scan([2]string{"e", "s"}).Key() + " ORDER BY 1"
	rows, err := c.QueryContext(ctx, q, f.Params.Args()...)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		got = append(got, s)
	}
	rows.Close()
	if !reflect.DeepEqual(got, []string{"123"}) {
		t.Errorf("rows = %q", got)
	}
	var lines string
	if err := c.QueryRowContext(ctx, "SELECT string_agg(DISTINCT line::VARCHAR, ',' ORDER BY line::VARCHAR) FROM e").Scan(&lines); err != nil || lines != "3,4,6" {
		t.Errorf("DuckDB's rejected lines = %q, %v; want 3,4,6", lines, err)
	}
	tmp := f.ReadPath()
	f.Close()
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("the normalised copy outlives Close: %v", err)
	}
}

func TestFailure(t *testing.T) {
	line := "Ann,Lee,ann@example.com"
	for _, msg := range []string{
		"Invalid Input Error: Error when sniffing file \"x.csv\".\n" + line,
		"Invalid Input Error: CSV Error on Line: 1\nOriginal Line: " + line + "\nMaximum line size of 2000000 bytes exceeded",
		"Invalid unicode (byte sequence mismatch) detected in CSV file. " + line,
		"something else entirely: " + line,
	} {
		err := Failure("/data/x.csv", errors.New(msg))
		var fe *FileError
		if !errors.As(err, &fe) || strings.Contains(err.Error(), "ann@") || !strings.HasPrefix(err.Error(), "x.csv: ") || !errors.Is(err, ErrData) {
			t.Errorf("Failure(%q) = %v", msg[:30], err)
		}
	}
}

func TestCheckEncoding(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.csv")
	os.WriteFile(p, []byte("a,b\n1,2\n"), 0o600)
	if err := CheckEncoding(p, "utf-16"); err == nil || !errors.Is(err, ErrData) {
		t.Errorf("a UTF-8 file declared UTF-16: %v", err)
	}
	if err := CheckEncoding(p, "latin-1"); err != nil {
		t.Errorf("latin-1: %v", err)
	}
	os.WriteFile(p, []byte{0xff, 0xfe, 'a', 0, '\n', 0}, 0o600)
	if err := CheckEncoding(p, "utf-16"); err != nil {
		t.Errorf("a UTF-16 file: %v", err)
	}
}

// TestSniffFallback: a sample the sniffer gives up on (a line longer
// than its 4 MiB sample buffer) falls back to the declared options and the defaults,
// and the long line is one reject at its line.
func TestSniffFallback(t *testing.T) {
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p := filepath.Join(t.TempDir(), "f.csv")
	os.WriteFile(p, []byte("a;b\n1;2\n3;"+strings.Repeat("x", 5<<20)+"\n5;6\n"), 0o600)
	f, err := Prepare(ctx, c, p, map[string]string{"delim": ";"}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := Dialect{Delim: ";", Quote: `"`, Escape: `"`, Newline: "lf", Header: true, Origin: "default"}
	if f.Dialect != want || !reflect.DeepEqual(f.Names, []string{"a", "b"}) {
		t.Fatalf("dialect %+v, names %q; want %+v", f.Dialect, f.Names, want)
	}
	var n int64
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM "+f.Scan([2]string{"e", "s"}).Key(), f.Params.Args()...).Scan(&n); err != nil || n != 2 {
		t.Fatalf("rows = %d, %v", n, err)
	}
	var line int64
	var typ string
	if err := c.QueryRowContext(ctx, "SELECT line, error_type FROM e").Scan(&line, &typ); err != nil || line != 3 || typ != "LINE SIZE OVER MAXIMUM" {
		t.Errorf("reject = line %d %s, %v", line, typ, err)
	}
}
