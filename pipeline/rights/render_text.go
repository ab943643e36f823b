package rights

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// writeText writes the report for a person: the head, the SUMMARY, why
// the data is held, the rights section, then the records as held in an
// APPENDIX (bookkeeping columns left out and explained).
func (r *Report) writeText(w io.Writer) error {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	r.textHead(p)
	r.textSummary(p)
	writeCorrectionsText(w, r.Corrections)
	r.textWhy(p)
	r.textRights(p)
	return r.textAppendix(w, p)
}

type printer func(format string, a ...any)

func (r *Report) textHead(p printer) {
	p("Subject access request — %s (contact %s)\n", r.Controller.Name, r.Controller.Contact)
	p("generated %s, reference %s\n", r.GeneratedAt.Format("2006-01-02 15:04:05 MST"), r.SubjectKey)
	if q := r.Request; q != nil {
		p("your request %s (%s): received %s, answer due %s", q.ID, q.Type, q.Received, q.Due)
		if q.ExtendedReason != "" {
			p(" (extended: %s)", q.ExtendedReason)
		}
		p("\n")
	}
	p("This is our answer to your request for access under Article 15 of the UK GDPR / GDPR: a summary of what we hold\n" +
		"about you, where it came from, who received it and when it will be deleted; then the records themselves.\n")
}

func (r *Report) textSummary(p printer) {
	s := r.Summary
	p("\nSUMMARY: WHAT WE HOLD ABOUT YOU\n")
	if len(s.Groups) == 0 {
		p("  nothing\n")
	}
	for _, g := range s.Groups {
		p("\n  %s\n", strings.ToUpper(g.Category[:1])+g.Category[1:])
		for _, it := range g.Items {
			p("    %s: %s\n", it.Field, it.Value)
			if len(it.OtherForms) > 0 {
				p("      also stored as: %s\n", quoted(it.OtherForms))
			}
			if len(it.From) > 0 {
				p("      from: %s\n", strings.Join(it.From, "; "))
			}
			if len(it.SharedWith) > 0 {
				p("      given to: %s\n", strings.Join(it.SharedWith, "; "))
			}
			for _, n := range it.Notes {
				p("      note: %s\n", n)
			}
		}
	}
	if s.Profiling != "" {
		p("\n  Profiling\n    %s\n", s.Profiling)
	}
	p("\nWHO RECEIVED IT\n")
	if len(s.Disclosures) == 0 {
		p("  nobody\n")
	}
	for _, d := range s.Disclosures {
		p("  %s%s on %s, for %q: %s\n", d.Recipient, parenthesised(d.Contact), d.Date, d.Purpose, strings.Join(d.What, ", "))
	}
	p("\nWHEN IT WILL BE DELETED\n")
	if len(s.Deletion) == 0 {
		p("  nothing is held\n")
	}
	for _, d := range s.Deletion {
		p("  %s: %s", d.What, d.Period)
		if d.FirstSeen != "" {
			p(" (first received %s)", d.FirstSeen)
		}
		if d.DeleteBy != "" {
			p(" (by %s)", d.DeleteBy)
		}
		p("\n")
	}
}

func (r *Report) textWhy(p printer) {
	p("\nPURPOSES\n")
	if len(r.Purposes) == 0 {
		p("  none\n")
	}
	for _, pu := range r.Purposes {
		p("  %s: %s (lawful basis: %s; recipient: %s)\n", pu.Campaign, pu.Purpose, pu.LawfulBasis, pu.Recipient)
	}
	p("\nSOURCES\n")
	if len(r.Sources) == 0 {
		p("  none\n")
	}
	for _, s := range r.Sources {
		p("  %s — %s (%s, %s) %s\n", s.Description, s.Name, s.Role, s.Connector, s.Location)
	}
}

func (r *Report) textRights(p printer) {
	p("\nYOUR RIGHTS AND HOW TO COMPLAIN\n")
	for _, s := range r.Rights.Rights {
		p("  - %s\n", s)
	}
	if r.Rights.Contact != "" {
		p("  Write to %s for any of these.\n", r.Rights.Contact)
	}
	if r.Rights.Complaint != "" {
		p("  %s\n", r.Rights.Complaint)
	}
}

// textAppendix writes the identifiers searched and the records as held,
// dataset by dataset, then the recipients and retention in full.
func (r *Report) textAppendix(w io.Writer, p printer) error {
	p("\nAPPENDIX: THE RECORDS AS WE HOLD THEM\n")
	p("identifiers searched: email %s", r.Identifiers.Email)
	for _, ph := range r.Identifiers.Phones {
		p(", phone %s", ph)
	}
	for _, pr := range r.Identifiers.Profiles {
		p(", profile %s", pr)
	}
	for _, nf := range r.Identifiers.NotFollowed {
		p("\n  %s %s: %s", nf.Kind, nf.Value, nf.Reason)
	}
	p("\n%s\n", bookkeepingNote)
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
			for _, c := range visibleColumns([]Row{row}) {
				if v := cell(row[c]); v != "" {
					fmt.Fprintf(tw, "    %s\t%s\n", c, v)
				}
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
	}
	p("\nRECIPIENTS\n")
	if len(r.Recipients) == 0 {
		p("  none\n")
	}
	for _, rc := range r.Recipients {
		p("  %s%s — export %s on %s: %s\n", rc.Recipient, parenthesised(rc.Contact), rc.Export, rc.Date, strings.Join(rc.Columns, ", "))
	}
	if len(r.NotSearchable) > 0 {
		p("\nCOPIES WE CANNOT SEARCH (we ask these recipients directly)\n")
		writeNotSearchable(w, r.NotSearchable)
	}
	p("\nRETENTION\n")
	for _, rt := range r.Retention {
		p("  %s: %s\n", rt.Dataset, rt.Period)
	}
	for _, sn := range r.Seen {
		p("  %s: first seen %s, last seen %s; deleted after %s (%s from %s)\n", sn.Source, sn.FirstSeen, sn.LastSeen, sn.DeleteAfter, sn.Retention, sn.RetentionFrom)
	}
	return nil
}

// parenthesised is " (contact)", or nothing when no contact is recorded:
// the report is the subject's, so it carries no operator hint.
func parenthesised(contact string) string {
	if contact == "" {
		return ""
	}
	return " (" + contact + ")"
}

// quoted lists values quoted, so that spacing and case differences show.
func quoted(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}
