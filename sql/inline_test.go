package sql_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// sqlText matches the start of a SQL statement in a Go string literal.
// Transaction control (BEGIN TRANSACTION, COMMIT, ROLLBACK, CHECKPOINT)
// is not matched: it carries no identifier and no data, and where it runs
// is the Go code's control flow.
var sqlText = regexp.MustCompile(`(^|[^A-Za-z_])(SELECT |INSERT INTO |DELETE FROM |UPDATE \S+ SET |CREATE |DROP |ALTER TABLE |ATTACH |DETACH |COPY |PRAGMA |SET \S+ = |RESET |INSTALL |LOAD )`)

// inlineAllowed are the Go files that may hold SQL text in string
// literals, and why. Every other non-test Go file under cmd/, pipeline/
// and connectors/ must take its SQL from sql/ (engine.Render, engine.SQL,
// engine.ExecScript).
var inlineAllowed = map[string]string{
	// PostgreSQL statements run by the postgres connector plugin against
	// the user's database: connectors never import pipeline/** (they build
	// without cgo), so they cannot use sql/ or the engine.
	"connectors/postgres/source.go": "PostgreSQL, in a cgo-free plugin",
	"connectors/postgres/erase.go":  "PostgreSQL, in a cgo-free plugin",
	"connectors/postgres/sink.go":   "PostgreSQL, in a cgo-free plugin",
	// Not statements: words in messages and names of statement types.
	"pipeline/engine/sandbox.go":   "refusal messages and DuckDB statement type names",
	"pipeline/engine/script.go":    "recognises a RESET statement in a rendered script",
	"pipeline/flow/csvstage.go":    "a hint to the user: the pipeline query command to see rejects",
	"pipeline/audit/anchor.go":     "a hint to the user: any audited command, e.g. pipeline query",
	"cmd/pipeline/cli_commands.go": "help text and examples of the query command",
	// The predicate language wraps the user's predicate in a SELECT to
	// have DuckDB's parser check it; the check is the package's contract.
	"pipeline/predicate/predicate.go": "the SELECT a user's predicate is parsed inside (and messages naming SQL words)",
}

// TestNoInlineSQL fails when a Go source outside sql/ holds SQL text in a
// string literal, except in the files inlineAllowed names (each of which
// must still hold some: the list may only shrink).
func TestNoInlineSQL(t *testing.T) {
	root := ".."
	found := map[string][]string{}
	for _, dir := range []string{"cmd", "pipeline", "connectors"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			for _, hit := range inlineSQL(t, p) {
				found[filepath.ToSlash(rel)] = append(found[filepath.ToSlash(rel)], hit)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var files []string
	for f := range found {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		if _, ok := inlineAllowed[f]; !ok {
			t.Errorf("%s: SQL inline in Go; put it in a file under sql/ and render it with engine.Render/engine.SQL:\n\t%s", f, strings.Join(found[f], "\n\t"))
		}
	}
	for f := range inlineAllowed {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil || len(found[f]) == 0 {
			t.Errorf("%s is allowed inline SQL but has none (or is gone): remove it from inlineAllowed", f)
		}
	}
}

// inlineSQL returns the string literals of a Go file that hold SQL text,
// as "line: text".
func inlineSQL(t *testing.T, path string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err == nil && sqlText.MatchString(s) {
			out = append(out, strconv.Itoa(fset.Position(lit.Pos()).Line)+": "+strings.Join(strings.Fields(s), " "))
		}
		return true
	})
	return out
}
