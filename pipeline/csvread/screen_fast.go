package csvread

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"os"
)

// screenBlock is how much of a file screenClean reads at once.
const screenBlock = 4 << 20

// screenClean is screenFile's pass over a file with no bad line: the file
// read in blocks of blockSize bytes, each tested eight bytes at a time for
// a byte that screenLines would stop at (a control character other than
// tab, or a CR that does not end a line), and its line endings counted.
// clean is false, and s nil, as soon as there is one such byte: then only
// screenLines can say which line it is on. Otherwise s is what
// screenLines would return (FuzzScreenClean holds the two to it).
func screenClean(path string, blockSize int) (s *screen, clean bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	buf := make([]byte, blockSize)
	var size, newlines, crlf int64
	var last byte // the last byte of the previous block
	for {
		n, err := io.ReadFull(f, buf)
		block := buf[:n]
		if n > 0 {
			if last == '\r' {
				if block[0] != '\n' {
					return nil, false, nil
				}
				crlf++
			}
			c, ok := cleanBlock(block)
			if !ok {
				return nil, false, nil
			}
			crlf += c
			newlines += int64(bytes.Count(block, newline))
			size += int64(n)
			last = block[n-1]
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, false, err
		}
	}
	if last == '\r' { // the file ends in a CR alone
		return nil, false, nil
	}
	s = &screen{lines: newlines, crlf: crlf, lf: newlines - crlf}
	if size > 0 && last != '\n' {
		s.lines++ // a last line without a newline
	}
	return s, true, nil
}

var newline = []byte{'\n'}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// cleanBlock reports whether b holds no control character other than tab,
// LF, and CR before an LF (a CR as b's last byte is left to the caller,
// who sees the next byte), and how many CRLFs it holds. Eight bytes are
// tested at once: only the bytes of a word that may be below 0x20 or
// 0x7f are looked at one by one.
func cleanBlock(b []byte) (crlf int64, ok bool) {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		y := x ^ ones*0x7f
		// the high bit of every byte < 0x20 or == 0x7f is set, and maybe
		// some above one (a borrow): each is tested alone
		for m := ((x-ones*0x20)&^x | (y-ones)&^y) & highs; m != 0; m &= m - 1 {
			c, bad := cleanByte(b, i+bits.TrailingZeros64(m)/8)
			if bad {
				return 0, false
			}
			crlf += c
		}
	}
	for j := i; j < len(b); j++ {
		c, bad := cleanByte(b, j)
		if bad {
			return 0, false
		}
		crlf += c
	}
	return crlf, true
}

// cleanByte tests b[j]: bad when screenLines would reject it, crlf 1 for
// the CR of a CRLF.
func cleanByte(b []byte, j int) (crlf int64, bad bool) {
	switch c := b[j]; {
	case !isControl(c), c == '\n':
		return 0, false
	case c == '\r' && j+1 == len(b):
		return 0, false // the caller looks at the next block's first byte
	case c == '\r' && b[j+1] == '\n':
		return 1, false
	}
	return 0, true
}
