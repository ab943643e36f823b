package classify

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/nyaruka/phonenumbers"
)

// detector is one value detector: the counter it reads and the category it
// gives. hint, when set, names the column-name hint it needs.
type detector struct {
	name, category, hint string
	count                func(colStats) int
}

// detectors in priority order (ties in share go to the earlier one).
var detectors = []detector{
	{"email", ContactEmail, "", func(s colStats) int { return s.email }},
	{"social profile url", OnlineProfileURL, "", func(s colStats) int { return s.profile }},
	{"company social page", CompanyOther, "", func(s colStats) int { return s.companyPage }},
	{"iban (mod 97)", FinancialAccount, "", func(s colStats) int { return s.iban }},
	{"payment card (luhn)", FinancialAccount, "", func(s colStats) int { return s.card }},
	{"uk nhs number (mod 11)", IdentityNationalID, "", func(s colStats) int { return s.nhs }},
	{"uk ni number", IdentityNationalID, "", func(s colStats) int { return s.nino }},
	{"uk driving licence", IdentityNationalID, "", func(s colStats) int { return s.drivingLicence }},
	{"us social security number", IdentityNationalID, "", func(s colStats) int { return s.ssn }},
	{"uk passport number", IdentityNationalID, "passport", func(s colStats) int { return s.passport }},
	{"ip address", OnlineIdentifier, "", func(s colStats) int { return s.ip }},
	{"mac address", OnlineIdentifier, "", func(s colStats) int { return s.mac }},
	{"uk postcode", LocationAddress, "", func(s colStats) int { return s.postcode }},
	{"date of birth (age 16-100)", IdentityDemographic, "birth", func(s colStats) int { return s.birthlike }},
	{"phone (libphonenumber)", ContactPhone, "", func(s colStats) int { return s.phone }},
	{"url or domain", CompanyDomain, "", func(s colStats) int { return s.url }},
}

// colStats are the detector counts of one column's sample.
type colStats struct {
	n                                            int
	email, profile, companyPage, url, ip, mac    int
	iban, card, nhs, nino, drivingLicence, ssn   int
	passport, postcode, date, birthlike, special int
	phone                                        int
	freeText, distinct                           int // sentence-like values; distinct values
	emailInside                                  int // values holding an email inside other text
}

func (s colStats) share(k int) float64 {
	if s.n == 0 {
		return 0
	}
	return float64(k) / float64(s.n)
}

// valueCategory is the winning value detector of a column, if any.
type valueCategory struct {
	ok        bool
	category  string
	pattern   string
	share     float64
	matches   int
	threshold float64
}

func (v valueCategory) evidence(n int) string {
	return fmt.Sprintf("values: %s %.2f of %d sampled non-empty (pattern %s, threshold %.2f)",
		v.category, v.share, n, v.pattern, v.threshold)
}

// best returns the detector with the highest share at or above threshold
// and at least minMatches matches; detectors needing a name hint count only
// when the name gives it.
func (s colStats) best(hint string, threshold float64, minMatches int) valueCategory {
	var out valueCategory
	for _, d := range detectors {
		if d.hint != "" && d.hint != hint {
			continue
		}
		k := d.count(s)
		sh := s.share(k)
		if k < minMatches || sh < threshold || sh <= out.share {
			continue
		}
		out = valueCategory{ok: true, category: d.category, pattern: d.name, share: sh, matches: k, threshold: threshold}
	}
	return out
}

// weakest describes the strongest personal detector that matched at least
// WeakShare of the values (and MinMatches rows) without being conclusive.
func (s colStats) weakest(hint string) (string, bool) {
	var best string
	var bestShare float64
	for _, d := range detectors {
		if !IsPersonal(d.category) || d.hint != "" && d.hint != hint {
			continue
		}
		k := d.count(s)
		if sh := s.share(k); k >= MinMatches && sh >= WeakShare && sh > bestShare {
			best, bestShare = fmt.Sprintf("%s %.2f of %d sampled non-empty", d.name, sh, s.n), sh
		}
	}
	return best, best != ""
}

// detectSource is what detect.sql reads its (col, v) pairs from: a
// sample (sample.sql's data, samplePlan), or in tests a table of them.
type detectSource struct {
	Sample map[string]any
	Table  string
}

// detect runs detect.sql over source and returns the counts per column;
// phone candidates are checked here with libphonenumber and only their
// count is kept.
func detect(ctx context.Context, db Querier, source detectSource, now time.Time) (map[string]colStats, error) {
	q, err := engine.Render("classify/detect", source)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, q, now.Format(time.DateOnly), SpecialLexicon().Pattern)
	if err != nil {
		return nil, fmt.Errorf("value detectors: %w", err)
	}
	defer rows.Close()
	out := map[string]colStats{}
	for rows.Next() {
		var col string
		var s colStats
		var phones any
		if err := rows.Scan(&col, &s.n, &s.email, &s.profile, &s.companyPage, &s.url, &s.ip, &s.mac,
			&s.iban, &s.card, &s.nhs, &s.nino, &s.drivingLicence, &s.ssn, &s.passport, &s.postcode,
			&s.date, &s.birthlike, &s.special, &s.freeText, &s.emailInside, &s.distinct, &phones); err != nil {
			return nil, fmt.Errorf("value detectors: %w", err)
		}
		if list, ok := phones.([]any); ok {
			for _, p := range list {
				c, _ := p.(map[string]any)
				str, _ := c["v"].(string)
				k, _ := c["k"].(int64)
				if k > 0 && IsPhone(str) {
					s.phone += int(k)
				}
			}
		}
		out[col] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("value detectors: %w", err)
	}
	return out, nil
}

// phoneRegions are tried, in order, for numbers written without a
// country code: the UK and Ireland first (the product's markets), then the
// regions of the evaluation material.
var phoneRegions = []string{"GB", "IE", "US", "DE", "FR", "NL", "ES", "IT", "IL", "IN", "BR", "JP", "CN", "AU", "CA"}

// IsPhone reports whether s is a valid phone number by libphonenumber's
// rules: international form (+ or 00) for any country, national form for
// one of a fixed list of regions.
func IsPhone(s string) bool {
	if num, err := phonenumbers.Parse(s, "ZZ"); err == nil && phonenumbers.IsValidNumber(num) {
		return true
	}
	for _, r := range phoneRegions {
		num, err := phonenumbers.Parse(s, r)
		if err == nil && phonenumbers.IsValidNumberForRegion(num, r) {
			return true
		}
	}
	return false
}
