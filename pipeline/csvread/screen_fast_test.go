package csvread

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkScreenClean holds screenClean to screenLines on content, at block
// sizes that cut it everywhere: clean exactly when screenLines finds no
// bad line and no error, and then the same counts.
func checkScreenClean(t *testing.T, content []byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f.csv")
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	want, werr := screenLines(p, false)
	wantClean := werr == nil && len(want.bad) == 0
	for _, block := range []int{1, 2, 3, 7, 8, 9, 16, 17, screenBlock} {
		got, clean, err := screenClean(p, block)
		if err != nil {
			t.Fatalf("block %d: %v", block, err)
		}
		if clean != wantClean {
			t.Fatalf("%q, block %d: clean %v, screenLines: %v, %d bad lines", content, block, clean, werr, len(want.bad))
		}
		if clean && (got.lines != want.lines || got.crlf != want.crlf || got.lf != want.lf) {
			t.Fatalf("%q, block %d: %d lines, %d crlf, %d lf; screenLines %d, %d, %d",
				content, block, got.lines, got.crlf, got.lf, want.lines, want.crlf, want.lf)
		}
	}
}

func TestScreenClean(t *testing.T) {
	for _, c := range []string{
		"", "\n", "\r\n", "a", "a\n", "a\r\n", "a\r", "\r", "\r\r\n", "a\rb\n",
		"h1,h2\n1,2\n3,4", "h1,h2\r\n1,2\r\n3,4\r\n", "h1,h2\r\n1,2\n3,4\r\n",
		"h\n\tx\ty\n", "h\nx\x00y\n", "h\nx\x7fy\n", "h\nx\x1fy\n", "h\nx\x0by\n", "h\x01\nx\n",
		"h\nnaïve,Müller,東京\n", "h\n\xff\xfe,\x80\n", "h\n" + strings.Repeat("abcdefg\t", 40) + "\r\n",
		"h\n" + strings.Repeat("x", 8) + "\r" + strings.Repeat("y", 8) + "\n",
	} {
		checkScreenClean(t, []byte(c))
	}
}

// FuzzScreenClean: on any bytes, screenClean agrees with screenLines.
func FuzzScreenClean(f *testing.F) {
	for _, s := range []string{"a,b\r\nc,d\r\n", "a,b\nc\x00d\n", "x\ry\n", "\t\x7f\n", "é\n\r"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkScreenClean(t, b) })
}
