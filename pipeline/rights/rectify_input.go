package rights

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/normalize"
)

// Correction is one column's corrected value (`--set COLUMN=VALUE`). An
// empty Value means "no value": the source's one is removed.
type Correction struct {
	Column string `json:"column"`
	Value  string `json:"-"` // personal: never in JSON results, logs or the audit log
}

// ColumnError refuses a column `pipeline rectify` may not set. It names
// the column (a column name, never a value) and says what to do instead.
type ColumnError struct{ Column, Reason string }

func (e *ColumnError) Error() string { return "--set " + e.Column + ": " + e.Reason }

// ErrBadCorrection is a --set argument that is not COLUMN=VALUE or whose
// value cannot be used (the message never quotes the value).
var ErrBadCorrection = errors.New("rights: bad correction")

// maxCorrection is the longest value a correction may hold, in characters.
const maxCorrection = 200

var columnName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// refusedColumns are the known columns rectify refuses, with the reason.
var refusedColumns = map[string]string{
	"email": "a change of email address is not a correction of one field: it is the erasure of the old address " +
		"(pipeline erase --email OLD --yes) plus the new one, which arrives with a source's next load",
	"company_domain": "it decides which company (and so which region and exports) the person is joined to: " +
		"correct it in the source (tell the vendor); a person who left the company is an erasure or an objection",
	"country": "in prospects it is the company's country, which decides the person's region and exports: " +
		"correct it in the companies source",
	"department":       "derived from job_title by the title rules: correct job_title",
	"seniority":        "derived from job_title by the title rules: correct job_title",
	"subject_key":      "derived from the email address (see --set email)",
	"email_type":       "derived from the email address (see --set email)",
	"email_origin":     "derived from the email address (see --set email)",
	"subscriber_type":  "derived from the email address and the company (PECR): not personal data to correct",
	"subscriber_basis": "derived from the email address and the company (PECR): not personal data to correct",
	"company_name":     "company data, from the companies source: correct it there",
	"industry":         "company data, from the companies source: correct it there",
	"employees":        "company data, from the companies source: correct it there",
	"gdpr_region":      "derived from the country",
}

// ParseCorrection reads one --set COLUMN=VALUE. Only the person columns in
// config.RectifiableColumns may be set (any other is a *ColumnError); the
// value is trimmed and checked: a phone must be a phone number (stored in
// E.164, national forms read as GB), a profile URL a profile URL.
func ParseCorrection(arg string) (Correction, error) {
	col, val, ok := strings.Cut(arg, "=")
	col = strings.TrimSpace(col)
	if !ok || col == "" {
		return Correction{}, fmt.Errorf("%w: --set wants COLUMN=VALUE (e.g. --set job_title=\"Finance Director\")", ErrBadCorrection)
	}
	if !columnName.MatchString(col) {
		// (never echoed: it may be a mistyped value)
		return Correction{}, &ColumnError{Column: "COLUMN", Reason: "not a column name (want one of " + strings.Join(config.RectifiableColumns, ", ") + ")"}
	}
	if reason, ok := refusedColumns[col]; ok {
		return Correction{}, &ColumnError{Column: col, Reason: reason}
	}
	if strings.HasPrefix(col, "_") {
		return Correction{}, &ColumnError{Column: col, Reason: "the pipeline's own bookkeeping, not data about the person"}
	}
	if !slices.Contains(config.RectifiableColumns, col) {
		return Correction{}, &ColumnError{Column: col, Reason: "not a person column rectify can correct (want one of " + strings.Join(config.RectifiableColumns, ", ") + ")"}
	}
	val = strings.TrimSpace(val)
	if strings.IndexFunc(val, unicode.IsControl) >= 0 {
		return Correction{}, fmt.Errorf("%w: --set %s: the value holds a control character (a line break?)", ErrBadCorrection, col)
	}
	if utf8.RuneCountInString(val) > maxCorrection {
		return Correction{}, fmt.Errorf("%w: --set %s: the value is longer than %d characters", ErrBadCorrection, col, maxCorrection)
	}
	switch {
	case val == "":
	case col == "phone":
		p, ok := normalize.PossiblePhone(val, "GB")
		if !ok {
			return Correction{}, fmt.Errorf("%w: --set phone: not a phone number (national forms are read as GB; give others as +CC …)", ErrBadCorrection)
		}
		val = p
	case col == "linkedin_url":
		if p := ProfileKey(val); p == "" || !strings.Contains(p, "/") {
			return Correction{}, fmt.Errorf("%w: --set linkedin_url: not a profile URL (want e.g. https://www.linkedin.com/in/NAME)", ErrBadCorrection)
		}
	}
	return Correction{Column: col, Value: val}, nil
}

// CheckCorrections refuses a column set twice in one command.
func CheckCorrections(set []Correction) error {
	if len(set) == 0 {
		return fmt.Errorf("%w: nothing to correct: give at least one --set COLUMN=VALUE", ErrBadCorrection)
	}
	seen := map[string]bool{}
	for _, c := range set {
		if seen[c.Column] {
			return fmt.Errorf("%w: --set %s given twice", ErrBadCorrection, c.Column)
		}
		seen[c.Column] = true
	}
	return nil
}
