package engine

import (
	"bytes"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"

	sqlfs "github.com/example/pipeline/sql"
)

// templates are parsed in init: the scan function renders them again.
var templates *template.Template

func init() { templates = parseTemplates() }

// funcs are the template functions: each takes a typed value and renders
// it as SQL (an identifier, a literal the pipeline built), so that Go
// never splices SQL text into a template. What a template prints without
// a function is a Go integer (a range index, .Threads, .MaxDigits, a
// bucket), a bool-guarded constant, or an expression another template
// wrote (args, below); the one user text spliced is the targeting
// predicate, a predicate.Expr (enrich_targets.sql).
var funcs = template.FuncMap{
	"q":     Quote,
	"ident": Quote,
	// path is a string literal of a path the pipeline built (statements
	// such as ATTACH and views take no parameters).
	"path": Literal,
	// literal is a string literal for a SET statement (which takes no
	// parameters): a setting from pipeline.yaml.
	"literal": Literal,
	// rawGlob is the glob of a raw table's Parquet files under dir
	// (read_raw.sql): every *.parquet, never a .tmp file.
	"rawGlob": func(dir string) string { return Literal(filepath.Join(dir, "**", "*.parquet")) },
	"qlist": func(idents []string) string {
		out := make([]string, len(idents))
		for i, s := range idents {
			out[i] = Quote(s)
		}
		return strings.Join(out, ", ")
	},
	// enum is the type ENUM('v'): a constant column cast to it is written
	// to Parquet as indices into a one-entry dictionary (and read back as
	// VARCHAR). A type's members can only be literals; the value cast to
	// it is still a bound parameter, and must equal v.
	"enum": func(v string) string { return "ENUM(" + Literal(v) + ")" },
	// strlist is a list of string literals, ['a', 'b'], for SET statements
	// (which take no parameters); its members are paths the pipeline built.
	"strlist": func(vals []string) string {
		out := make([]string, len(vals))
		for i, v := range vals {
			out[i] = Literal(v)
		}
		return "[" + strings.Join(out, ", ") + "]"
	},
	// table is a table's quoted, qualified name (Table).
	"table": func(t Table) string { return t.SQL() },
	// kv is Parquet key-value metadata: quoted keys, bound values (KV).
	"kv": func(kv KV) (string, error) {
		for _, e := range kv {
			if _, err := param(e.Param); err != nil {
				return "", err
			}
		}
		return kv.SQL(), nil
	},
	// codec is a Parquet codec name (COPY takes no parameter for it).
	"codec": codec,
	// pct is a percentage with four decimals, 0.5000 (a sample's size).
	"pct": func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) },
	// ints is a list of integers, 1, 2, 3 (row ids a search found): it can
	// print nothing but digits, signs and commas.
	"ints": ints,
	// scan is what a statement reads, its FROM (Scan, sql/scan.sql).
	"scan": renderScan,
	// param is a named parameter's name, after a $ ({{param .X}}).
	"param": param,
	// csvopt is a read_csv / sniff_csv argument name (CSVArg.Name).
	"csvopt": csvOption,
	// sqltype is a type a bound value is cast to (CSVArg.Cast).
	"sqltype": sqlType,
	// args passes several expressions to a shared template: {{template "x"
	// (args "a" "b")}}. They are written in the calling template (column
	// names, or printf of q's quoted identifiers, as derive_email.sql's and
	// title_class.sql's callers do), never passed in from Go.
	"args": func(v ...string) []string { return v },
}

// parseTemplates parses sql/*.sql (named "x.sql") and the templates of
// sql's sub-folders (named "folder/x.sql").
func parseTemplates() *template.Template {
	t := template.Must(template.New("").Funcs(funcs).ParseFS(sqlfs.FS, "*.sql"))
	subs, err := fs.Glob(sqlfs.FS, "*/*.sql")
	if err != nil {
		panic(err)
	}
	for _, name := range subs {
		b, err := fs.ReadFile(sqlfs.FS, name)
		if err != nil {
			panic(err)
		}
		template.Must(t.New(name).Parse(string(b)))
	}
	return t
}

// Render renders the embedded template sql/<name>.sql with data. Data
// holds identifiers only (quoted by q) and enum members (enum); values
// are bound at execution.
func Render(name string, data any) (string, error) {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name+".sql", data); err != nil {
		return "", fmt.Errorf("render %s.sql: %w", name, err)
	}
	return b.String(), nil
}

// SQL is the fixed statement sql/<name>.sql (a template without data);
// a missing or broken template panics, as the tests of every caller find.
func SQL(name string) string { return strings.TrimSpace(MustRender(name, nil)) }

// MustRender is Render for templates whose data cannot fail (tests, fixed SQL).
func MustRender(name string, data any) string {
	s, err := Render(name, data)
	if err != nil {
		panic(err)
	}
	return s
}
