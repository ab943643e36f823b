package rights

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
)

//go:embed templates/sar.html
var templateFS embed.FS

var htmlTemplate = template.Must(template.New("sar.html").Funcs(template.FuncMap{
	"join":        strings.Join,
	"columns":     visibleColumns,
	"bookkeeping": func() string { return bookkeepingNote },
	"inc":         func(i int) int { return i + 1 },
	"cell":        cell,
}).ParseFS(templateFS, "templates/sar.html"))

// Write writes the report as json, text or html.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "json", "":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "text":
		return r.writeText(w)
	case "html":
		return htmlTemplate.Execute(w, r)
	}
	return fmt.Errorf("format %q: want json, text or html", format)
}

// rowColumns is the union of the rows' columns: first-row order is lost in
// a map, so columns are sorted with provenance (_…) last.
func rowColumns(rows []Row) []string {
	set := map[string]bool{}
	for _, r := range rows {
		for k := range r {
			set[k] = true
		}
	}
	out := keys(set)
	sort.SliceStable(out, func(i, j int) bool {
		pi, pj := strings.HasPrefix(out[i], "_"), strings.HasPrefix(out[j], "_")
		if pi != pj {
			return !pi
		}
		return out[i] < out[j]
	})
	return out
}

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []any:
		parts := make([]string, len(x))
		for i := range x {
			parts[i] = cell(x[i])
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// visibleColumns are the rows' columns a person reads: rowColumns less
// the bookkeeping columns (_…), which bookkeepingNote explains without
// naming them.
func visibleColumns(rows []Row) []string {
	out := []string{}
	for _, c := range rowColumns(rows) {
		if !strings.HasPrefix(c, "_") {
			out = append(out, c)
		}
	}
	return out
}

// bookkeepingNote explains the columns the text and HTML appendix leave
// out; the JSON report keeps them.
const bookkeepingNote = "Our internal bookkeeping columns (which source and which nightly run loaded a record, when, " +
	"and the storage partition it is filed in) are not data about you and are left out here; the JSON form of this report keeps them."

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
