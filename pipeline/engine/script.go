package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Statements splits a rendered script on statement-ending semicolons (a
// ';' at the end of a line). The templates under sql/ never put one
// elsewhere; comment-only pieces are dropped.
func Statements(script string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.SplitAfter(script, "\n") {
		cur.WriteString(line)
		if strings.HasSuffix(strings.TrimRight(line, " \t\r\n"), ";") {
			if s := strings.TrimSpace(cur.String()); s != "" && !onlyComments(s) {
				out = append(out, s)
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" && !onlyComments(s) {
		out = append(out, s)
	}
	return out
}

func onlyComments(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "--") {
			return false
		}
	}
	return true
}

// ExecScript renders the template sql/<name>.sql with data and runs each
// statement on c with the named parameters p (bound only to statements
// that use a $parameter). When a statement fails, the script's later
// RESET statements still run: a SET the script made (DuckDB settings are
// global) must not outlive it. The error names the template.
func ExecScript(ctx context.Context, c *sql.Conn, name string, data any, p Params) error {
	script, err := Render(name, data)
	if err != nil {
		return err
	}
	sts := Statements(script)
	for i, st := range sts {
		var args []any
		if strings.Contains(st, "$") {
			args = p.Args()
		}
		if _, err := c.ExecContext(ctx, st, args...); err != nil {
			err = fmt.Errorf("%s.sql: %w", name, err)
			for _, rest := range sts[i+1:] {
				if strings.HasPrefix(strings.ToUpper(rest), "RESET ") {
					if _, rerr := c.ExecContext(context.WithoutCancel(ctx), rest); rerr != nil {
						err = errors.Join(err, fmt.Errorf("%s.sql: %w", name, rerr))
					}
				}
			}
			return err
		}
	}
	return nil
}
