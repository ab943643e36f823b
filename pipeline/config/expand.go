package config

import (
	"fmt"
	"strings"
)

// expandEnv replaces ${VAR} with getenv(VAR) and $$ with $. Any other $ is
// kept as is. problems name unset variables and malformed references; they
// never contain a value.
func expandEnv(s string, getenv func(string) (string, bool)) (out string, problems []string) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				problems = append(problems, "unterminated ${ (write $$ for a literal $)")
				return b.String(), problems
			}
			name := s[i+2 : i+2+end]
			i += 2 + end
			if !isEnvName(name) {
				problems = append(problems, "invalid ${...} reference (a variable name is letters, digits and _; write $$ for a literal $)")
				continue
			}
			v, ok := getenv(name)
			if !ok {
				problems = append(problems, fmt.Sprintf("environment variable %q is not set", name))
				continue
			}
			b.WriteString(v)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), problems
}

func isEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
