package engine

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/duckdb/duckdb-go/v2"
)

// ErrRefused means the read-only sandbox refused a statement: it is not a
// single SELECT, or it tried to write, to reach a file outside the
// allowed folders, or to change a setting. The CLI maps it to exit 2.
var ErrRefused = errors.New("query refused (read-only sandbox)")

// Sandbox locks connection c down for user-supplied SQL (sql/sandbox.sql):
// no extension is installed or loaded, the file system is closed except
// for the folders dirs (made absolute; relative paths in a statement
// resolve from the working directory and are checked the same way), and
// the configuration is locked so that no later statement can undo it.
// The database c belongs to must be opened read-only (Settings.ReadOnly);
// c must be the only connection used afterwards, since a new connection
// could not apply its own settings any more.
func Sandbox(ctx context.Context, c *sql.Conn, dirs []string) error {
	abs := make([]string, 0, len(dirs))
	for _, d := range dirs {
		a, err := filepath.Abs(d)
		if err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
		abs = append(abs, strings.TrimSuffix(a, string(filepath.Separator))+string(filepath.Separator))
	}
	q, err := Render("sandbox", map[string]any{"Dirs": abs})
	if err != nil {
		return err
	}
	if _, err := c.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	return nil
}

// CheckReadOnly refuses (ErrRefused) anything but exactly one SELECT
// statement, asking DuckDB's own parser and binder: the statement is first
// parsed only (json_serialize_sql serialises nothing but SELECTs; binding
// some statements, EXPORT DATABASE for one, already creates folders),
// then prepared, never run. A file the statement would read outside the
// sandbox's folders is refused when it is prepared (binding opens it).
func CheckReadOnly(ctx context.Context, c *sql.Conn, query string) error {
	if err := checkParsedSelect(ctx, c, query); err != nil {
		return err
	}
	return c.Raw(func(dc any) error {
		conn, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("sandbox: not a DuckDB connection (%T)", dc)
		}
		st, err := conn.Prepare(query)
		if err != nil {
			var de *duckdb.Error
			if !errors.As(err, &de) {
				return fmt.Errorf("%w: give exactly one statement, a SELECT", ErrRefused)
			}
			return Refusal(err)
		}
		defer st.Close()
		ds, ok := st.(*duckdb.Stmt)
		if !ok {
			return fmt.Errorf("sandbox: not a DuckDB statement (%T)", st)
		}
		t, err := ds.StatementType()
		if err != nil {
			return err
		}
		if t != duckdb.STATEMENT_TYPE_SELECT {
			return fmt.Errorf("%w: %s is not a SELECT; only one SELECT may run here (the warehouse is read-only; files, settings and extensions are closed)",
				ErrRefused, stmtName(t))
		}
		return nil
	})
}

// checkParsedSelect refuses a text that DuckDB parses into anything but
// one SELECT. A text that does not parse is left to Prepare, whose error
// says why.
func checkParsedSelect(ctx context.Context, c *sql.Conn, query string) error {
	if !utf8.ValidString(query) {
		return fmt.Errorf("%w: the statement is not valid UTF-8", ErrRefused)
	}
	var out string
	if err := c.QueryRowContext(ctx, MustRender("serialize_sql", nil), query).Scan(&out); err != nil {
		return fmt.Errorf("sandbox: parse: %w", err)
	}
	var doc struct {
		Error      bool              `json:"error"`
		Type       string            `json:"error_type"`
		Statements []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		return fmt.Errorf("sandbox: parse: %w", err)
	}
	switch {
	case doc.Error && doc.Type == "parser":
		return nil
	case doc.Error:
		return fmt.Errorf("%w: only a single SELECT statement may run here, and this text (starting with %s) is not one; the warehouse is read-only, files, settings and extensions are closed",
			ErrRefused, firstWord(query))
	case len(doc.Statements) != 1:
		return fmt.Errorf("%w: give exactly one statement, a SELECT", ErrRefused)
	}
	return nil
}

// Refusal wraps err in ErrRefused when DuckDB refused it for the
// sandbox's sake (a permission error, a write to the read-only database,
// a locked setting); other errors come back unchanged.
func Refusal(err error) error {
	var de *duckdb.Error
	if err == nil || !errors.As(err, &de) {
		return err
	}
	switch {
	case de.Type == duckdb.ErrorTypePermission:
		return fmt.Errorf("%w: only the warehouse, its raw files and the exports may be read: %v", ErrRefused, err)
	case strings.Contains(de.Msg, "read-only mode"), strings.Contains(de.Msg, "configuration has been locked"):
		return fmt.Errorf("%w: %v", ErrRefused, err)
	}
	return err
}

// ErrorKind is the kind of a DuckDB error ("Conversion Error", "Binder
// Error"...) without its message, which may quote data values: for
// errors raised over user data that must not echo it.
func ErrorKind(err error) string {
	var de *duckdb.Error
	if errors.As(err, &de) {
		if i := strings.Index(de.Msg, ": "); i > 0 && strings.HasSuffix(de.Msg[:i], "Error") {
			return de.Msg[:i]
		}
	}
	return "error"
}

// firstWord names a refused statement in messages by its first keyword
// (the decision to refuse is the parser's, not this word's).
func firstWord(query string) string {
	f := strings.FieldsFunc(query, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	})
	if len(f) == 0 || len(f[0]) > 12 {
		return "the statement"
	}
	return strings.ToUpper(f[0])
}

var stmtNames = map[duckdb.StmtType]string{
	duckdb.STATEMENT_TYPE_INSERT: "INSERT", duckdb.STATEMENT_TYPE_UPDATE: "UPDATE",
	duckdb.STATEMENT_TYPE_EXPLAIN: "EXPLAIN", duckdb.STATEMENT_TYPE_DELETE: "DELETE",
	duckdb.STATEMENT_TYPE_PREPARE: "PREPARE", duckdb.STATEMENT_TYPE_CREATE: "CREATE",
	duckdb.STATEMENT_TYPE_EXECUTE: "EXECUTE", duckdb.STATEMENT_TYPE_ALTER: "ALTER",
	duckdb.STATEMENT_TYPE_TRANSACTION: "transaction", duckdb.STATEMENT_TYPE_COPY: "COPY",
	duckdb.STATEMENT_TYPE_ANALYZE: "ANALYZE", duckdb.STATEMENT_TYPE_VARIABLE_SET: "SET VARIABLE",
	duckdb.STATEMENT_TYPE_CREATE_FUNC: "CREATE FUNCTION", duckdb.STATEMENT_TYPE_DROP: "DROP",
	duckdb.STATEMENT_TYPE_EXPORT: "EXPORT", duckdb.STATEMENT_TYPE_PRAGMA: "PRAGMA",
	duckdb.STATEMENT_TYPE_VACUUM: "VACUUM", duckdb.STATEMENT_TYPE_CALL: "CALL",
	duckdb.STATEMENT_TYPE_SET: "SET", duckdb.STATEMENT_TYPE_LOAD: "LOAD or INSTALL",
	duckdb.STATEMENT_TYPE_EXTENSION: "extension", duckdb.STATEMENT_TYPE_ATTACH: "ATTACH",
	duckdb.STATEMENT_TYPE_DETACH: "DETACH", duckdb.STATEMENT_TYPE_MULTI: "multi-statement",
}

func stmtName(t duckdb.StmtType) string {
	if n, ok := stmtNames[t]; ok {
		return n
	}
	return fmt.Sprintf("type-%d", t)
}
