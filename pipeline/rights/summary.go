package rights

import (
	"fmt"
	"sort"
	"strings"

	"github.com/example/pipeline/pipeline/config"
)

// Summary is the report's answer in a person's terms (issue 20 item 8):
// each distinct value held about the subject by category, where each came
// from, who received what and when, and when it will be deleted. Found
// keeps the records as held; the summary never adds data that Found does
// not hold.
//
// Extension points: a step that annotates values (e.g. "corrected on …
// at your request") appends to Item.Notes in buildSummary; per-source
// first-seen and deletion dates go in Deletion.FirstSeen and DeleteBy.
type Summary struct {
	Groups []SummaryGroup `json:"groups"`
	// Profiling says what profiling the data undergoes, when the subject
	// has values derived for targeting ("" when none).
	Profiling   string       `json:"profiling,omitempty"`
	Disclosures []Disclosure `json:"disclosures"`
	Deletion    []Deletion   `json:"deletion"`
}

// SummaryGroup is one category of values (CatContact, …), in
// categoryOrder.
type SummaryGroup struct {
	Category string `json:"category"`
	Items    []Item `json:"items"`
}

// Item is one distinct value held about the subject.
type Item struct {
	Field  string `json:"field"`  // a label a person understands
	Column string `json:"column"` // the column it is stored in
	Value  string `json:"value"`  // as first found (sources first)
	// OtherForms are other spellings of the same value as stored (case,
	// spacing, phone or URL formatting).
	OtherForms []string `json:"other_forms,omitempty"`
	From       []string `json:"from"`    // source descriptions, or how it was derived
	HeldIn     []string `json:"held_in"` // the datasets of the appendix holding it
	SharedWith []string `json:"shared_with,omitempty"`
	Notes      []string `json:"notes,omitempty"`
}

// Disclosure is one recipient's copy: who, when, for what, which fields.
type Disclosure struct {
	Recipient string   `json:"recipient"`
	Contact   string   `json:"contact,omitempty"`
	Date      string   `json:"date"`
	Purpose   string   `json:"purpose"`
	What      []string `json:"what"`
}

// Deletion is when one kind of data held about the subject is deleted.
type Deletion struct {
	What      string `json:"what"`
	Period    string `json:"period"`
	FirstSeen string `json:"first_seen,omitempty"`
	DeleteBy  string `json:"delete_by,omitempty"`
}

// profilingText is Summary.Profiling (Art. 15(1)(h), Art. 21(2)).
const profilingText = "We work out your department and seniority automatically from your job title, and use them, " +
	"with your employer's country and size, to decide whether you are among the people a campaign targets. " +
	"This is profiling for direct marketing. It decides only whether your details are included in a marketing list; " +
	"you may object to it at any time and we will stop."

const derivedByUs = "worked out by us from the data above (enrichment)"

// buildSummary is the report's summary of f.
func buildSummary(cfg *config.Config, f *Findings, r *Report) Summary {
	b := &summaryBuilder{cfg: cfg, country: f.Country, items: map[string]*Item{}, cats: map[string]string{}}
	// sources' own tables first: a value they hold is attributed to them
	for _, own := range []bool{true, false} {
		for _, t := range f.Tables {
			if (cfg.Sources[t.Dataset] != nil) == own {
				b.table(t)
			}
		}
	}
	for _, e := range f.Exports {
		b.export(e)
	}
	b.rejects(f.Rejects)
	b.suppression(f.Suppression)
	b.corrections(r.Corrections)
	s := Summary{Groups: b.groups(), Disclosures: disclosures(cfg, r.Recipients), Deletion: deletion(cfg, f, r)}
	if b.profiling {
		s.Profiling = profilingText
	}
	return s
}

type summaryBuilder struct {
	cfg       *config.Config
	country   string
	items     map[string]*Item // column \x00 valueKey
	order     []string         // of items, as first found
	cats      map[string]string
	profiling bool
}

// add records value v of column col held in dataset, with its origin.
func (b *summaryBuilder) add(cat, label, col, v, dataset string, from []string) *Item {
	k := col + "\x00" + valueKey(col, v, b.country)
	it := b.items[k]
	if it == nil {
		it = &Item{Field: label, Column: col, Value: v, From: []string{}, HeldIn: []string{}}
		b.items[k], b.cats[k] = it, cat
		b.order = append(b.order, k)
	} else if v != it.Value {
		it.OtherForms = addUnique(it.OtherForms, v)
	}
	for _, s := range from {
		it.From = addUnique(it.From, s)
	}
	it.HeldIn = addUnique(it.HeldIn, dataset)
	return it
}

func (b *summaryBuilder) table(t TableHit) {
	for _, row := range t.Rows {
		for col, raw := range row {
			v := strings.TrimSpace(cell(raw))
			if v == "" || strings.HasPrefix(col, "_") {
				continue
			}
			fd := fieldOf(col, t.match.personal[col])
			if fd.Profiling {
				b.profiling = true
			}
			it := b.add(fd.Category, fd.Label, col, display(raw, v), t.Dataset, nil)
			// a table the pipeline builds names its row's sources: a value a
			// source's own table already showed keeps that source only
			if b.cfg.Sources[t.Dataset] != nil || len(it.From) == 0 {
				for _, s := range b.origin(t, row, col, fd) {
					it.From = addUnique(it.From, s)
				}
			}
			if fd.Note != "" {
				it.Notes = addUnique(it.Notes, fd.Note)
			}
			if col == "email" && row["email_origin"] == "pattern" {
				it.Notes = addUnique(it.Notes, "no source gave us this address: we worked it out from your name and your employer's email address pattern")
			}
		}
	}
}

// origin is where value col of row came from: the source of a source's
// table; for a table the pipeline builds, the enrichment (derived
// columns), the companies sources (the employer's facts) or the row's
// people sources.
func (b *summaryBuilder) origin(t TableHit, row Row, col string, fd field) []string {
	if src := b.cfg.Sources[t.Dataset]; src != nil {
		return []string{sourceDescription(b.cfg, t.Dataset)}
	}
	switch {
	case fd.Category == CatDerived, col == "email" && row["email_origin"] == "pattern", col == "subject_key":
		return []string{derivedByUs}
	case fd.Company:
		var out []string
		for _, name := range b.cfg.SourceOrder {
			if b.cfg.Sources[name].Role == config.RoleCompanies {
				out = append(out, sourceDescription(b.cfg, name))
			}
		}
		return out
	}
	names := t.Sources
	if l, ok := row["_sources"].([]any); ok && len(l) > 0 {
		names = nil
		for _, n := range l {
			names = append(names, fmt.Sprint(n))
		}
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, sourceDescription(b.cfg, n))
	}
	return out
}

func (b *summaryBuilder) export(e ExportHit) {
	shared := e.Recipient
	if !e.FirstExported.IsZero() {
		shared += " on " + e.FirstExported.UTC().Format("2006-01-02")
	}
	for _, row := range e.Rows {
		for col, raw := range row {
			v := strings.TrimSpace(cell(raw))
			if v == "" || strings.HasPrefix(col, "_") {
				continue
			}
			fd := fieldOf(col, "")
			it := b.add(fd.Category, fd.Label, col, display(raw, v), e.Export, nil)
			it.SharedWith = addUnique(it.SharedWith, shared)
		}
	}
}

func (b *summaryBuilder) rejects(rows []Row) {
	for _, row := range rows {
		v := strings.TrimSpace(str(row["raw_line"]))
		if v == "" {
			continue
		}
		it := b.add(CatOther, "A line of a source's file we could not read", "raw_line", v, "rejects",
			[]string{sourceDescription(b.cfg, str(row["source"]))})
		it.Notes = addUnique(it.Notes, "set aside unread, kept only to check the source's quality, and deleted on schedule")
	}
}

func (b *summaryBuilder) suppression(rows []Row) {
	for _, row := range rows {
		kind, reason, src := str(row["kind"]), str(row["reason"]), str(row["source"])
		from := src
		if b.cfg.Sources[src] != nil {
			from = sourceDescription(b.cfg, src)
		}
		it := b.add(CatOther, "Do-not-contact record ("+reason+")", "suppression:"+kind+":"+reason,
			"a one-way hash of your "+kind, "suppression", []string{from})
		if at := str(row["added_at"]); at != "" {
			it.Notes = addUnique(it.Notes, "recorded "+at+"; kept so that we never contact you or add your details again")
		}
	}
}

// groups are the items by category, in categoryOrder, each category's
// items by column (fieldRank) then as first found.
func (b *summaryBuilder) groups() []SummaryGroup {
	seq := map[string]int{}
	for i, k := range b.order {
		seq[k] = i
	}
	out := []SummaryGroup{}
	for _, cat := range categoryOrder {
		var keys []string
		for _, k := range b.order {
			if b.cats[k] == cat {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			continue
		}
		sort.SliceStable(keys, func(i, j int) bool {
			ri, rj := fieldRank(b.items[keys[i]].Column), fieldRank(b.items[keys[j]].Column)
			if ri != rj {
				return ri < rj
			}
			return seq[keys[i]] < seq[keys[j]]
		})
		g := SummaryGroup{Category: cat}
		for _, k := range keys {
			g.Items = append(g.Items, *b.items[k])
		}
		out = append(out, g)
	}
	return out
}

// fieldOrder is the order of the known columns within a category; other
// columns follow, by name.
var fieldOrder = []string{"first_name", "last_name", "full_name", "email", "phone", "job_title", "company_name",
	"company_domain", "industry", "employees", "country", "linkedin_url", "subject_key",
	"department", "seniority", "email_type", "email_origin", "subscriber_type", "subscriber_basis", "gdpr_region"}

func fieldRank(col string) string {
	for i, c := range fieldOrder {
		if c == col {
			return fmt.Sprintf("0%03d", i)
		}
	}
	return "1" + col
}

// display is a stored value as the summary shows it.
func display(raw any, v string) string {
	if b, ok := raw.(bool); ok {
		if b {
			return "yes"
		}
		return "no"
	}
	return v
}

// sourceDescription is how a report names source name to the subject:
// its description, or its name and role when it has none.
func sourceDescription(cfg *config.Config, name string) string {
	s := cfg.Sources[name]
	switch {
	case s == nil:
		return name
	case s.Description != "":
		return s.Description
	}
	return name + " (a " + s.Role + " source)"
}
