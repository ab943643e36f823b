package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// pureExprMsg ends every targeting.companies diagnostic.
const pureExprMsg = "targeting.companies must be a pure expression over company columns (no subqueries, statements or file access)"

// forbiddenKeywords may not appear as words outside literals.
var forbiddenKeywords = []string{
	"SELECT", "FROM", "COPY", "ATTACH", "DETACH", "INSTALL", "LOAD", "PRAGMA",
	"CREATE", "INSERT", "UPDATE", "DELETE", "DROP", "ALTER", "CALL", "EXPORT",
	"IMPORT", "SET", "WITH", "UNION",
}

// forbiddenFuncs are functions that read files or the environment; a trailing
// * matches any suffix.
var forbiddenFuncs = []string{
	"read_csv*", "read_parquet", "read_json*", "read_ndjson*", "read_text",
	"read_blob", "read_xlsx", "glob", "getenv", "sniff_csv", "parquet_*",
	"query", "query_table",
}

// CheckPredicate checks statically that expr is a pure DuckDB expression:
// outside single-quoted literals (” escapes, E” backslash escapes) and
// double-quoted identifiers it rejects ";", "--", "/*", "$", statement and
// subquery keywords, and file or environment functions (also as quoted
// identifiers). The error names the first offending token.
func CheckPredicate(expr string) error {
	bad := predicateProblems(expr)
	if len(bad) == 0 {
		return nil
	}
	return errors.New(bad[0] + "; " + pureExprMsg)
}

// predicateProblems returns one message per distinct offending token.
func predicateProblems(s string) []string {
	var bad []string
	add := func(format string, args ...any) {
		m := fmt.Sprintf(format, args...)
		if !slices.Contains(bad, m) {
			bad = append(bad, m)
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\'':
			backslash := i > 0 && (s[i-1] == 'e' || s[i-1] == 'E') && (i < 2 || !isWordByte(s[i-2]))
			end, ok := scanQuoted(s, i, '\'', backslash)
			if !ok {
				add("unterminated string literal")
			}
			i = end
		case c == '"':
			end, ok := scanQuoted(s, i, '"', false)
			if !ok {
				add("unterminated quoted identifier")
			}
			body := s[i+1 : end]
			if ok {
				body = s[i+1 : end-1]
			}
			ident := strings.ReplaceAll(body, `""`, `"`)
			if isForbiddenFunc(strings.ToLower(ident)) {
				add("%q is not allowed", ident)
			}
			i = end
		case c == ';':
			add("%q is not allowed", ";")
			i++
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			add("%q is not allowed", "--")
			i += 2
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			add("%q is not allowed", "/*")
			i += 2
		case c == '$':
			add("%q is not allowed", "$")
			i++
		case isWordByte(c) && !(c >= '0' && c <= '9'):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			w := s[i:j]
			if slices.Contains(forbiddenKeywords, strings.ToUpper(w)) || isForbiddenFunc(strings.ToLower(w)) {
				add("%q is not allowed", w)
			}
			i = j
		case c >= '0' && c <= '9':
			// a number, possibly with an exponent or a digit-led word: skip
			// digits only, so "1select" still sees "select"
			i++
		default:
			i++
		}
	}
	return bad
}

// scanQuoted returns the index just past the closing quote of the quoted
// token starting at s[start], doubling the quote to escape it (and a
// backslash escaping the next byte when backslash is set).
func scanQuoted(s string, start int, q byte, backslash bool) (end int, closed bool) {
	for j := start + 1; j < len(s); j++ {
		switch {
		case backslash && s[j] == '\\':
			j++
		case s[j] == q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1, true
		}
	}
	return len(s), false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isForbiddenFunc(w string) bool {
	for _, f := range forbiddenFuncs {
		if p, ok := strings.CutSuffix(f, "*"); ok {
			if strings.HasPrefix(w, p) {
				return true
			}
		} else if w == f {
			return true
		}
	}
	return false
}
