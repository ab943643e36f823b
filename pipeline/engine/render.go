package engine

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"

	sqlfs "github.com/example/pipeline/sql"
)

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"q": Quote,
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
	// args passes several expressions (our own SQL text, never a user's)
	// to a shared template: {{template "x" (args "a" "b")}}.
	"args": func(v ...string) []string { return v },
}).ParseFS(sqlfs.FS, "*.sql"))

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

// MustRender is Render for templates whose data cannot fail (tests, fixed SQL).
func MustRender(name string, data any) string {
	s, err := Render(name, data)
	if err != nil {
		panic(err)
	}
	return s
}
