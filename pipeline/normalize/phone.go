package normalize

import (
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// unknownRegion is libphonenumber's region for "no default country": only
// numbers in international form ("+…") can be parsed with it.
const unknownRegion = "ZZ"

// Phone normalises a phone number to E.164 ("+442079460018"). country is
// the ISO 3166-1 alpha-2 code of the record (any case; "UK" is accepted as
// GB) used as the default region for national forms and for the
// international call prefix: with "GB", "020 7946 0018",
// "+44 (0)20 7946 0018" and "00 44 20 7946 0018" all give "+442079460018",
// and "00 353 1 234 5678" gives "+35312345678". An empty or unknown country
// only accepts numbers in "+…" form. "tel:" URIs are accepted; extensions
// ("ext. 12") are dropped, since E.164 has none.
//
// ok is false, and e164 empty, unless libphonenumber's metadata says the
// number is valid for its region (right length and an assigned number
// range). This rejects junk and fictional ranges such as Ofcom's drama
// mobiles 07700 900xxx; use [PossiblePhone] where recall matters more than
// validity.
func Phone(raw, country string) (e164 string, ok bool) {
	n, ok := parsePhone(raw, country)
	if !ok || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	return formatE164(n)
}

// PossiblePhone is [Phone] with a weaker check: the number only needs a
// possible length for its country code (libphonenumber's
// IsPossibleNumberWithReason == IS_POSSIBLE), not an assigned range. Every
// number [Phone] accepts, PossiblePhone accepts with the same result.
func PossiblePhone(raw, country string) (e164 string, ok bool) {
	n, ok := parsePhone(raw, country)
	if !ok || phonenumbers.IsPossibleNumberWithReason(n) != phonenumbers.IS_POSSIBLE {
		return "", false
	}
	return formatE164(n)
}

// maxE164Digits is E.164's limit on a number's digits, calling code
// included. libphonenumber calls some longer numbers possible (a German
// national number of 14 digits after +49): they are not E.164, and are
// refused.
const maxE164Digits = 15

// formatE164 is n in E.164 form, refused (ok false) over maxE164Digits.
func formatE164(n *phonenumbers.PhoneNumber) (string, bool) {
	s := phonenumbers.Format(n, phonenumbers.E164)
	if len(s)-1 > maxE164Digits {
		return "", false
	}
	return s, true
}

// NationalNumber is the national significant number of an E.164 number
// ("+442079460018" -> "2079460018"): the digits every written form of it
// contains. Anything unparsable comes back without its "+".
func NationalNumber(e164 string) string {
	n, err := phonenumbers.Parse(e164, unknownRegion)
	if err != nil {
		return strings.TrimPrefix(e164, "+")
	}
	return phonenumbers.GetNationalSignificantNumber(n)
}

// parsePhone trims raw and parses it with the region derived from country:
// with [fastParse] when it is sure, else with libphonenumber.
func parsePhone(raw, country string) (*phonenumbers.PhoneNumber, bool) {
	s := trim(raw)
	if !twoDigits(s) {
		return nil, false
	}
	reg := region(country)
	if n, ok := fastParse(s, reg); ok {
		return n, true
	}
	n, err := phonenumbers.Parse(s, reg)
	if err != nil {
		return nil, false
	}
	return n, true
}

// region maps an ISO 3166-1 alpha-2 country to a libphonenumber region.
func region(country string) string {
	c := strings.ToUpper(strings.TrimSpace(country))
	if c == "UK" {
		return "GB"
	}
	if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		return unknownRegion
	}
	return c
}

// twoDigits reports whether s holds at least two decimal digits (any
// script). libphonenumber's viable-number pattern needs two, so Parse
// rejects anything with fewer; checking first spares its regular
// expressions on junk such as "TBC", "n/a" or "see switchboard", which
// would otherwise dominate a SAR's phone search (sar_predicate.sql sends
// every value with letters to pl_phone). TestTwoDigitsAgreesWithParse
// holds it to that.
func twoDigits(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			if n++; n == 2 {
				return true
			}
		}
	}
	return false
}
