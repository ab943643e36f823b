package normalize

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// maxHostLen is the longest domain name in presentation form without the
// trailing dot (RFC 1035: 255 octets on the wire).
const maxHostLen = 253

// asciiHost converts a host name to its ASCII (punycode) form with the IDNA
// Lookup profile, removes one trailing dot and checks it is a syntactically
// valid public host name: at least two labels, each 1–63 characters of
// letters, digits and hyphens, not starting or ending with a hyphen, and a
// top-level label that is not all digits (so IPv4 addresses are rejected).
func asciiHost(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	if h, ok := plainHost(s); ok {
		return h, true
	}
	return idnaHost(s)
}

// plainHost is asciiHost's fast path for the common case, a host already
// in letters, digits, hyphens and dots that is valid once lower-cased:
// for it the Lookup profile only lower-cases (no mapping, no punycode, no
// bidi rule), so the IDNA tables are not needed. Labels with "--" in
// positions 3–4 ("xn--" and the like) take the full path. ok false means
// "not decided here", never "invalid". TestPlainHostAgreesWithIDNA holds
// it to idnaHost. Saves most of the cost of normalising a domain, which a
// run does for every distinct company website and email domain.
func plainHost(s string) (string, bool) {
	if !plainHostValid(s) {
		return "", false
	}
	return lowerHost(s), true
}

// lowerHost lower-cases a host plainHostValid accepted (ASCII only): s
// itself when it has no upper-case letter, else one new string.
// strings.ToLower checks for non-ASCII and upper case in a pass of its
// own first; perf put it at 14% of pl_domain over 1M mixed-case hosts.
func lowerHost(s string) string {
	i := 0
	for i < len(s) && s[i]-'A' >= 26 {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		b.WriteByte(lowerASCII(s[i]))
	}
	return b.String()
}

// plainHostValid is plainHost without the lower-casing: whether s is a
// host plainHost accepts (its letters in either case). It is validHost and
// the character check in one pass over s: every email and company domain
// of a run goes through it, and the four passes it replaces (characters,
// labels, each label's characters, the top-level label's digits) were a
// tenth of a run's Go time. TestPlainHostValidAgrees holds it to them.
func plainHostValid(s string) bool {
	if len(s) == 0 || len(s) > maxHostLen {
		return false
	}
	labelStart, labels := 0, 0
	digitsOnly := true // the current label is all digits so far
	for i := 0; i < len(s); i++ {
		c := s[i]
		if emailBytes[c]&ebAlnum != 0 {
			if c > '9' {
				digitsOnly = false
			}
			continue
		}
		switch c {
		case '-':
			if i == labelStart {
				return false // a label starts with a hyphen
			}
			if i-labelStart == 3 && s[i-1] == '-' {
				return false // "--" in positions 3–4: xn-- and kin
			}
			digitsOnly = false
		case '.':
			if n := i - labelStart; n == 0 || n > 63 || s[i-1] == '-' {
				return false // empty, too long, or ending with a hyphen
			}
			labels++
			labelStart, digitsOnly = i+1, true
		default:
			return false
		}
	}
	// the last (top-level) label
	if n := len(s) - labelStart; n == 0 || n > 63 || s[len(s)-1] == '-' {
		return false
	}
	return labels >= 1 && !digitsOnly
}

// idnaHost is asciiHost through the IDNA Lookup profile.
func idnaHost(s string) (string, bool) {
	if !utf8.ValidString(s) {
		// IDNA would map each invalid byte to U+FFFD and give a punycode
		// host that no second normalisation accepts
		return "", false
	}
	a, err := idna.Lookup.ToASCII(s)
	if err != nil {
		return "", false
	}
	// Trim after the conversion: Lookup maps ideographic and full-width
	// full stops to '.', so a trailing dot may only be visible now.
	a = strings.TrimSuffix(a, ".")
	if !validHost(a) {
		return "", false
	}
	return a, true
}

// validHost checks an ASCII host name (see [asciiHost]); letters may be in
// either case (lower-casing changes no rule).
func validHost(h string) bool {
	if len(h) == 0 || len(h) > maxHostLen {
		return false
	}
	labels := 0
	allDigits := true
	start := 0
	for i := 0; i <= len(h); i++ {
		if i < len(h) && h[i] != '.' {
			continue
		}
		label := h[start:i]
		start = i + 1
		labels++
		if !validLabel(label) {
			return false
		}
		allDigits = true
		for j := 0; j < len(label); j++ {
			if label[j] < '0' || label[j] > '9' {
				allDigits = false
				break
			}
		}
	}
	// allDigits now describes the last (top-level) label.
	return labels >= 2 && !allDigits
}

// validLabel checks one LDH label of an ASCII host name.
func validLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
