package normalize

import (
	"strings"
)

// Domain extracts and normalises the domain from a website, domain or
// email-like value, e.g. "HTTPS://WWW.Example.co.uk/about?x=1" →
// "example.co.uk", "http://user@host.com:8080/" → "host.com",
// "jo@Acme.com" → "acme.com".
//
// Steps, in order: trim whitespace (NBSP and zero-width characters
// included); strip "mailto:"; drop a URL scheme ("http://", "https://", any
// "scheme://") or a leading "//"; drop the path, query and fragment (from
// the first '/', '?', '#' or '\'); drop userinfo (up to the last '@');
// drop a numeric port; drop one trailing dot; convert to lower-case ASCII
// with IDNA (Lookup profile, punycode); finally drop one leading "www."
// label when what remains still has a dot.
//
// ok is false, and norm empty, when nothing domain-like remains: empty
// input, spaces inside, IP addresses (v4 or v6), single-label names such as
// "localhost", or labels that are not valid host-name labels.
//
// Domain does not reduce a host to its registrable domain:
// "shop.example.com" stays as it is. Use it for website/company domains;
// email addresses go through [Email], whose domain keeps any "www.".
func Domain(raw string) (norm string, ok bool) {
	s := trim(raw)
	if rest, found := cutPrefixFold(s, "mailto:"); found {
		s = rest
	}
	s = stripScheme(s)
	if i := pathStart(s); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 && allDigits(s[i+1:]) {
		s = s[:i]
	}
	host, ok := asciiHost(s)
	if !ok {
		return "", false
	}
	if rest, found := strings.CutPrefix(host, "www."); found && strings.IndexByte(rest, '.') >= 0 {
		host = rest
	}
	return host, true
}

// pathStart is strings.IndexAny(s, "/?#\\") (where a URL's path, query
// or fragment starts) without building IndexAny's byte set on every call.
func pathStart(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '/', '?', '#', '\\':
			return i
		}
	}
	return -1
}

// stripScheme removes a leading "scheme://" (RFC 3986 scheme syntax) or a
// scheme-relative "//".
func stripScheme(s string) string {
	if rest, ok := strings.CutPrefix(s, "//"); ok {
		return rest
	}
	i := strings.Index(s, "://")
	if i <= 0 {
		return s
	}
	for j := 0; j < i; j++ {
		c := s[j]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return s
		}
	}
	return s[i+3:]
}

// allDigits reports whether s consists of ASCII digits only; the empty
// string counts, so "host:" loses its dangling colon.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
