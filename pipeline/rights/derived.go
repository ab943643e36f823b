package rights

import (
	"github.com/example/pipeline/pipeline/normalize"
)

// derivedCols are the canonical columns of a people table that
// enrichment derives a work email from when the source gives none
// (sql/derive_email.sql): a row of such a table with no email, at the
// subject's email domain, under the names of the subject's prospects row
// whose email was derived ("email_origin" = "pattern"), is the row the
// subject's email was derived from. An erasure deletes it with the rest
// (and the stage refuses it from then on); a SAR shows it.
type derivedCols struct {
	Email, First, Last, Domain string
}

// noteDerived records the names of a subject's row whose email was
// derived from the company's email pattern.
func (f *Findings) noteDerived(r Row) {
	if r["email_origin"] != "pattern" || f.derivedFirst != "" {
		return
	}
	first, _ := r["first_name"].(string)
	last, _ := r["last_name"].(string)
	if first != "" && last != "" {
		f.derivedFirst, f.derivedLast = first, last
	}
}

// derivedData is the .Derived of sar_predicate.sql for table m: set when
// the subject's email was derived and m is a raw people table with the
// columns the derivation reads.
func (f *Findings) derivedData(m matchCols) *derivedCols {
	if f.derivedFirst == "" || !isRawTable(m.Table) {
		return nil
	}
	for _, c := range []string{"email", "first_name", "last_name", "company_domain"} {
		if !m.columns[c] {
			return nil
		}
	}
	if !contains(m.Email, "email") {
		return nil
	}
	return &derivedCols{Email: "email", First: "first_name", Last: "last_name", Domain: "company_domain"}
}

func isRawTable(t string) bool { return len(t) > 4 && t[:4] == "raw_" }

func emailDomain(email string) string {
	_, d := normalize.SplitEmail(email)
	return d
}
