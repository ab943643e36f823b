package normalize

import (
	"strings"
	"unicode"
)

// isTrimmable reports whether r is whitespace or an invisible character
// that spreadsheets and web forms leave around values: every Unicode space
// (including NBSP U+00A0 and U+3000), zero-width spaces and joiners, the
// word joiner and the byte-order mark.
func isTrimmable(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}

// trim removes leading and trailing [isTrimmable] runes.
func trim(s string) string {
	return strings.TrimFunc(s, isTrimmable)
}

// cutPrefixFold removes prefix from s, compared case-insensitively (ASCII
// prefixes only).
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}
