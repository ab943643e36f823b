package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	unorm "golang.org/x/text/unicode/norm"
)

// Limits from RFC 5321 §4.5.3.1 (in octets).
const (
	maxLocalLen = 64
	maxEmailLen = 254
)

// Email normalises an email address and reports whether the result is a
// syntactically valid address. It is idempotent: Email(Email(x)) == Email(x).
//
// Steps, in order:
//   - trim leading/trailing Unicode whitespace (NBSP included) and
//     zero-width characters;
//   - strip a leading "mailto:" (any case) and, after it, any "?subject=…"
//     header fields (RFC 6068);
//   - unwrap "<a@b.com>" and take the address out of a display-name form
//     such as "Jo Bloggs <a@b.com>";
//   - lower-case the whole address (Unicode-aware) and put the local part
//     in Unicode NFC, so composed and decomposed spellings match;
//   - convert the domain to ASCII with IDNA (Lookup profile, punycode) and
//     drop a trailing dot.
//
// ok is false, and norm empty, when the result is not a valid address:
// exactly one '@'; a local part of 1–64 octets made of RFC 5322 atext,
// non-ASCII letters (RFC 6531) and dots, without leading, trailing or
// doubled dots, spaces, quotes or control characters (quoted local parts
// are not supported); a domain that [asciiHost] accepts (at least one dot,
// valid labels; address literals like [1.2.3.4] are rejected); at most 254
// octets in total.
//
// Email deliberately keeps "+tags" and dots in the local part (no Gmail
// folding): different spellings may be different mailboxes, and merging
// them would merge different data subjects.
func Email(raw string) (norm string, ok bool) {
	if norm, ok, decided := emailASCII(raw); decided {
		return norm, ok
	}
	return emailFull(raw)
}

// emailASCII is Email's fast path for the common case: printable ASCII
// with nothing to unwrap (no ':', '<' or '>'; only spaces around it). For
// such input every step of Email reduces to ASCII lower-casing (NFC leaves
// ASCII as it is), so it decides in one pass and one allocation, about a
// third of the full path's cost: the stage normalises every email of every
// people source. decided false means "take the full path".
// TestEmailFastPathAgrees holds it to emailFull.
func emailASCII(s string) (norm string, ok, decided bool) {
	local, host, ok, decided := emailASCIIParts(s)
	if !ok {
		return "", false, decided
	}
	var b strings.Builder
	b.Grow(len(local) + 1 + len(host))
	for k := 0; k < len(local); k++ {
		b.WriteByte(lowerASCII(local[k]))
	}
	b.WriteByte('@')
	for k := 0; k < len(host); k++ {
		b.WriteByte(lowerASCII(host[k]))
	}
	return b.String(), true, true
}

// emailASCIIParts is emailASCII's parse and checks: the trimmed address's
// local part and host, valid once lower-cased (ok), or not (decided), or
// left to the full path (!decided).
func emailASCIIParts(s string) (local, host string, ok, decided bool) {
	i, j := 0, len(s)
	for i < j && s[i] == ' ' {
		i++
	}
	for j > i && s[j-1] == ' ' {
		j--
	}
	s = s[i:j]
	// One pass: the characters every address must pass, the '@', and the
	// local part's own checks (atext or '.', no "..") remembered for
	// later, so that the answers keep the order of the checks below.
	at := -1
	localOK := true
	var prev byte
	for k := 0; k < len(s); k++ {
		c := s[k]
		cl := emailBytes[c]
		if cl&ebBad != 0 {
			return "", "", false, false
		}
		if c == '@' {
			if at >= 0 {
				return "", "", false, true
			}
			at = k
		} else if at < 0 && (cl&ebAtext == 0 && c != '.' || c == '.' && prev == '.') {
			localOK = false
		}
		prev = c
	}
	if at <= 0 {
		return "", "", false, true
	}
	local, host = s[:at], s[at+1:]
	if !plainHostValid(host) {
		return "", "", false, false // not decided by plainHost: the IDNA path
	}
	if !localOK || len(local) > maxLocalLen || local[0] == '.' || local[len(local)-1] == '.' ||
		len(local)+1+len(host) > maxEmailLen {
		return "", "", false, true
	}
	return local, host, true, true
}

// Byte classes of the ASCII fast paths (emailASCIIParts, plainHostValid):
// one table lookup a byte instead of a chain of range tests.
const (
	ebAtext = 1 << iota // RFC 5322 atext
	ebAlnum             // ASCII letter or digit
	ebBad               // <= ' ', non-ASCII, ':', '<' or '>': the full path's
)

var emailBytes = func() (t [256]uint8) {
	for c := range 256 {
		b := byte(c)
		if isAtext(b) {
			t[c] |= ebAtext
		}
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' {
			t[c] |= ebAlnum
		}
		if b <= ' ' || b >= utf8.RuneSelf || b == ':' || b == '<' || b == '>' {
			t[c] |= ebBad
		}
	}
	return t
}()

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// fnv-1a, 32 bits
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// EmailBucket is the subject bucket of a normalised email among n: FNV-1a
// (32 bit) of its bytes, modulo n. Raw people rows are stored by it
// (docs/design.md, scale-out), so a subject search or an erasure reads and
// rewrites one bucket's files. The function is part of the warehouse
// format: changing it would hide stored rows from the search.
func EmailBucket(norm string, n int) int { return emailBucket(norm, n) }

// EmailBucketBytes is EmailBucket of a normalised email held in bytes.
func EmailBucketBytes(norm []byte, n int) int { return emailBucket(norm, n) }

func emailBucket[T string | []byte](norm T, n int) int {
	h := uint32(fnvOffset)
	for i := 0; i < len(norm); i++ {
		h ^= uint32(norm[i])
		h *= fnvPrime
	}
	return int(h % uint32(n))
}

// EmailModulus is the modulus of a normalised email's FNV-1a hash whose
// remainder the stage stores for n buckets: a multiple of n (so the
// remainder modulo n is EmailBucket) no larger than 65536 for any n up to
// 65536 (engine.raw_buckets allows 1024). The stage keeps
// the remainder divided by n as the row's _email_sub (EmailSub), so that a
// search of one bucket tests one small integer per row before it reads
// an email. Part of the warehouse format, as EmailBucket.
func EmailModulus(n int) int { return n * max(1, 65536/n) }

// EmailSub is a normalised email's sub-bucket within its bucket among n:
// its FNV-1a hash modulo EmailModulus(n), divided by n.
func EmailSub(norm string, n int) int { return emailBucket(norm, EmailModulus(n)) / n }

// AppendEmail appends Email(raw) to dst. In emailASCII's common case it
// writes the lower-cased bytes straight into dst, so a caller with a
// buffer on its stack normalises without allocating (the stage hashes
// every email against the erasure tombstones this way).
func AppendEmail(dst []byte, raw string) ([]byte, bool) {
	local, host, ok, decided := emailASCIIParts(raw)
	if !decided {
		norm, ok := emailFull(raw)
		if !ok {
			return dst, false
		}
		return append(dst, norm...), true
	}
	if !ok {
		return dst, false
	}
	start := len(dst)
	dst = append(dst, local...)
	dst = append(dst, '@')
	dst = append(dst, host...)
	lowerInPlace(dst[start:])
	return dst, true
}

// lowerInPlace lower-cases the ASCII letters of b.
func lowerInPlace(b []byte) {
	for k, c := range b {
		if c-'A' < 26 {
			b[k] = c + 'a' - 'A'
		}
	}
}

// MaxEmailLen is the longest normalised email Email accepts (octets).
const MaxEmailLen = maxEmailLen

// emailFull is Email's full path, for any input.
func emailFull(raw string) (norm string, ok bool) {
	s := unwrapEmail(raw)
	at := strings.IndexByte(s, '@')
	if at <= 0 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return "", false
	}
	local := unorm.NFC.String(strings.ToLower(s[:at]))
	if !validLocal(local) {
		return "", false
	}
	domain, ok := asciiHost(s[at+1:])
	if !ok {
		return "", false
	}
	norm = local + "@" + domain
	if len(norm) > maxEmailLen {
		return "", false
	}
	return norm, true
}

// unwrapEmail peels the decorations around an address: whitespace,
// "mailto:", angle brackets and display names. It loops so that mixed forms
// such as " <mailto:a@b.com> " are handled; every step strictly shortens s,
// so the loop ends.
func unwrapEmail(s string) string {
	for {
		before := s
		s = trim(s)
		if rest, ok := cutPrefixFold(s, "mailto:"); ok {
			s = rest
			if i := strings.IndexByte(s, '?'); i >= 0 {
				s = s[:i]
			}
		}
		if strings.HasSuffix(s, ">") {
			if i := strings.LastIndexByte(s, '<'); i >= 0 {
				s = s[i+1 : len(s)-1]
			}
		}
		if s == before {
			return s
		}
	}
}

// validLocal checks an already lower-cased, NFC local part.
func validLocal(l string) bool {
	if l == "" || len(l) > maxLocalLen || l[0] == '.' || l[len(l)-1] == '.' ||
		strings.Contains(l, "..") || !utf8.ValidString(l) {
		return false
	}
	for _, r := range l {
		if r < utf8.RuneSelf {
			if !isAtext(byte(r)) && r != '.' {
				return false
			}
			continue
		}
		if isTrimmable(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
			r == utf8.RuneError {
			return false
		}
	}
	return true
}

// isAtext reports whether c is RFC 5322 atext (letters, digits and
// !#$%&'*+-/=?^_`{|}~).
func isAtext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}
