package rights

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

//go:embed templates/sar.html
var templateFS embed.FS

var htmlTemplate = template.Must(template.New("sar.html").Funcs(template.FuncMap{
	"join":    strings.Join,
	"columns": rowColumns,
	"inc":     func(i int) int { return i + 1 },
	"cell":    cell,
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

func (r *Report) writeText(w io.Writer) error {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("Subject access request — %s (contact %s)\n", r.Controller.Name, r.Controller.Contact)
	p("generated %s, reference %s\n", r.GeneratedAt.Format("2006-01-02 15:04:05 MST"), r.SubjectKey)
	p("identifiers: email %s", r.Identifiers.Email)
	for _, ph := range r.Identifiers.Phones {
		p(", phone %s", ph)
	}
	for _, pr := range r.Identifiers.Profiles {
		p(", profile %s", pr)
	}
	for _, nf := range r.Identifiers.NotFollowed {
		p("\n  %s %s: %s", nf.Kind, nf.Value, nf.Reason)
	}
	p("\n\nWHAT WE HOLD\n")
	if len(r.Found) == 0 {
		p("  nothing\n")
	}
	for _, f := range r.Found {
		p("\n%s (%s) — source: %s", f.Dataset, f.Kind, f.Source)
		if f.FirstSeen != "" {
			p(", first seen %s", f.FirstSeen)
		}
		p("\n")
		if len(f.Categories) > 0 {
			p("  categories: %s\n", strings.Join(f.Categories, ", "))
		}
		for i, row := range f.Rows {
			p("  row %d:\n", i+1)
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			for _, c := range rowColumns([]Row{row}) {
				if v := cell(row[c]); v != "" {
					fmt.Fprintf(tw, "    %s\t%s\n", c, v)
				}
			}
			tw.Flush()
		}
	}
	p("\nPURPOSES\n")
	if len(r.Purposes) == 0 {
		p("  none\n")
	}
	for _, pu := range r.Purposes {
		p("  %s: %s (lawful basis: %s; recipient: %s)\n", pu.Campaign, pu.Purpose, pu.LawfulBasis, pu.Recipient)
	}
	p("\nRECIPIENTS\n")
	if len(r.Recipients) == 0 {
		p("  none\n")
	}
	for _, rc := range r.Recipients {
		// the report is the subject's: no operator hint when no contact is recorded
		contact := ""
		if rc.Contact != "" {
			contact = " (" + rc.Contact + ")"
		}
		p("  %s%s — export %s on %s: %s\n", rc.Recipient, contact, rc.Export, rc.Date, strings.Join(rc.Columns, ", "))
	}
	if len(r.NotSearchable) > 0 {
		p("\nNOT SEARCHABLE\n")
		for _, n := range r.NotSearchable {
			p("  export %s (sink %s, recipient %s): %s\n", n.Export, n.Connector, n.Recipient, n.Note)
		}
	}
	p("\nRETENTION\n")
	for _, rt := range r.Retention {
		p("  %s: %s\n", rt.Dataset, rt.Period)
	}
	p("\nSOURCES\n")
	if len(r.Sources) == 0 {
		p("  none\n")
	}
	for _, s := range r.Sources {
		p("  %s (%s, %s) %s\n", s.Name, s.Role, s.Connector, s.Location)
	}
	return nil
}
