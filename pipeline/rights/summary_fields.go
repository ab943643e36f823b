package rights

import (
	"strings"

	"github.com/example/pipeline/pipeline/normalize"
)

// The summary's categories, in the order a report lists them.
const (
	CatContact      = "contact details"
	CatProfessional = "professional details"
	CatOnline       = "online identifiers"
	CatDerived      = "derived data"
	CatOther        = "other data"
)

var categoryOrder = []string{CatContact, CatProfessional, CatOnline, CatDerived, CatOther}

// field is how the summary shows one column: its category, a label a
// person understands and, for derived data, how it was derived.
type field struct {
	Category, Label, Note string
	// Profiling marks a value derived to decide whom a campaign targets.
	Profiling bool
	// Company marks a column joined from a companies source (the
	// employer's facts), not given by a people source.
	Company bool
}

const profilingNote = "profiling for targeting: worked out automatically from your job title, and used to decide whether you are among the people a campaign targets"

// fields are the canonical columns of the people, prospects and export
// tables (sql/stage_*.sql, sql/enrich_*.sql).
var fields = map[string]field{
	"first_name":       {Category: CatContact, Label: "First name"},
	"last_name":        {Category: CatContact, Label: "Last name"},
	"full_name":        {Category: CatContact, Label: "Name"},
	"email":            {Category: CatContact, Label: "Email address"},
	"phone":            {Category: CatContact, Label: "Phone number"},
	"job_title":        {Category: CatProfessional, Label: "Job title"},
	"company_name":     {Category: CatProfessional, Label: "Employer", Company: true},
	"company_domain":   {Category: CatProfessional, Label: "Employer's website"},
	"industry":         {Category: CatProfessional, Label: "Employer's industry", Company: true},
	"employees":        {Category: CatProfessional, Label: "Employer's size (employees)", Company: true},
	"country":          {Category: CatProfessional, Label: "Country"},
	"linkedin_url":     {Category: CatOnline, Label: "Profile URL"},
	"subject_key":      {Category: CatOnline, Label: "Our reference for you (a one-way hash of your email address)"},
	"department":       {Category: CatDerived, Label: "Department", Note: profilingNote, Profiling: true},
	"seniority":        {Category: CatDerived, Label: "Seniority", Note: profilingNote, Profiling: true},
	"email_type":       {Category: CatDerived, Label: "Kind of email address", Note: "worked out from the address (a personal work address, a shared role address, or a free webmail address)"},
	"email_origin":     {Category: CatDerived, Label: "How we got your email address", Note: "\"source\": a source gave it; \"pattern\": we worked it out from your name and your employer's email address pattern"},
	"subscriber_type":  {Category: CatDerived, Label: "Kind of subscriber your employer is", Note: "corporate or individual subscriber: decides which e-privacy rules apply to marketing emails"},
	"subscriber_basis": {Category: CatDerived, Label: "Why we consider your employer that kind of subscriber"},
	"gdpr_region":      {Category: CatDerived, Label: "In a country where the GDPR applies"},
}

// categoryPrefixes place a column the table above does not know by the
// category the data map (catalog) gives it.
var categoryPrefixes = []struct{ prefix, category string }{
	{"contact.", CatContact}, {"identity.", CatContact}, {"location.", CatContact},
	{"professional.", CatProfessional}, {"company.", CatProfessional},
	{"online.", CatOnline}, {"pseudonymous.", CatOnline},
}

// fieldOf is how the summary shows column col; catalog is the category
// the data map gives it ("" when not personal).
func fieldOf(col, catalog string) field {
	if f, ok := fields[col]; ok {
		return f
	}
	label := strings.ReplaceAll(col, "_", " ")
	if label != "" {
		label = strings.ToUpper(label[:1]) + label[1:]
	}
	for _, p := range categoryPrefixes {
		if strings.HasPrefix(catalog, p.prefix) {
			return field{Category: p.category, Label: label}
		}
	}
	return field{Category: CatOther, Label: label}
}

// valueKey is what makes two stored values of a column the same value
// for the summary: the normalised email, phone (E.164), profile or
// domain, else the trimmed, case-folded text.
func valueKey(col, v, country string) string {
	switch col {
	case "email":
		if n, ok := normalize.Email(v); ok {
			return n
		}
	case "phone":
		if n, ok := normalizePhone(v, country); ok {
			return n
		}
	case "linkedin_url":
		if k := ProfileKey(v); k != "" {
			return k
		}
	case "company_domain":
		if n, ok := normalize.Domain(v); ok {
			return n
		}
	}
	return strings.ToLower(strings.TrimSpace(v))
}
