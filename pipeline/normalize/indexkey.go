package normalize

import (
	"sort"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Subject index keys. The SAR/erasure search (pipeline/rights) can narrow
// a large table to a few candidate rows through an index with one key per
// identifier value, before it runs its exact predicate on them. The index
// is only ever a candidate generator, so its one duty is to be a superset:
// every raw value that the predicate would match must carry the key of the
// subject's identifier, or KeyAny ("always a candidate"). The index stores
// a 32-bit hash of the key text (sql/subject_index_build.sql): collisions
// and junk keys only add candidates.
//
// Each *IndexKey function has a fast path for the common plain-ASCII value
// and otherwise computes the key from the full normalisation, so almost no
// value needs KeyAny. The tests in indexkey_test.go hold each one to the
// normalisation it stands for.

// KeyAny is the key of a value that may match any subject.
const KeyAny = ""

// KeyVersion changes whenever a key function changes, so that an index
// built by an older binary is rebuilt rather than trusted.
const KeyVersion = 2

// PhoneKeyDigits is how many trailing digits of the national significant
// number a phone key holds; a subject whose number is shorter is searched
// without the index.
const PhoneKeyDigits = 6

// EmailIndexKey is the key of a raw email value: Email(raw) whenever Email
// accepts raw (ok false: raw matches no address). Fast path: an ASCII
// value without ':', '<', '>' (mailto and display-name forms) and without
// "--" (IDNA's "xn--" labels) normalises, when valid, to itself trimmed of
// ASCII whitespace, lower-cased and without one trailing dot; anything
// else goes through Email itself.
func EmailIndexKey(raw string) (key string, ok bool) {
	s := strings.Trim(raw, " \t\n\v\f\r")
	at, upper := -1, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80, c == ':', c == '<', c == '>', c == '-' && i+1 < len(s) && s[i+1] == '-':
			return Email(raw)
		case c == '@':
			if at < 0 {
				at = i
			}
		case 'A' <= c && c <= 'Z':
			upper = true
		}
	}
	if at <= 0 {
		return "", false
	}
	s = strings.TrimSuffix(s, ".")
	if upper {
		s = strings.ToLower(s)
	}
	return s, true
}

// PhoneLookupKey is the key of an E.164 number: the last PhoneKeyDigits
// digits of its national significant number. ok is false when that number
// is shorter (search without the index).
func PhoneLookupKey(e164 string) (key string, ok bool) {
	nsn := NationalNumber(e164)
	if len(nsn) < PhoneKeyDigits {
		return "", false
	}
	return nsn[len(nsn)-PhoneKeyDigits:], true
}

// PhoneIndexKey is the key of a raw phone value whose row has the given
// country (the SAR reads a row without one with a default region that is
// only known at search time, so pass "" for it): PhoneLookupKey(
// PossiblePhone(raw, country)) whenever PossiblePhone accepts raw and the
// number has at least PhoneKeyDigits national digits (ok false: raw
// matches no number). Fast path: a value made only of digits and the
// separators " +-()./" ends with the national significant number in any
// region (libphonenumber strips prefixes — country code, trunk and carrier
// codes — never a suffix; an extension needs a letter or one of "#,;~"),
// so its last digits are the key. Anything else is parsed with the row's
// country, or is KeyAny when the row has none.
func PhoneIndexKey(raw, country string) (key string, ok bool) {
	var tail [PhoneKeyDigits]byte
	n := 0
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c >= '0' && c <= '9':
			copy(tail[:], tail[1:])
			tail[PhoneKeyDigits-1] = c
			n++
		case c == ' ', c == '+', c == '-', c == '(', c == ')', c == '.', c == '/':
		default:
			if country == "" {
				return KeyAny, true
			}
			p, ok := parsePhone(raw, country)
			if !ok || phonenumbers.IsPossibleNumberWithReason(p) != phonenumbers.IS_POSSIBLE {
				return "", false
			}
			nsn := phonenumbers.GetNationalSignificantNumber(p)
			return nsn[max(0, len(nsn)-PhoneKeyDigits):], true
		}
	}
	if n < 2 {
		return "", false // PossiblePhone needs two digits
	}
	return string(tail[PhoneKeyDigits-min(n, PhoneKeyDigits):]), true
}

// PhoneNameIndexKey is the key of a raw phone value on a row with names
// (names: the row's name columns joined by spaces, as SQL concat_ws does):
// PhoneIndexKey's key, "|" and NameIndexKey(names). A row reached only
// through a phone must carry the subject's name (sql/sar_predicate.sql),
// so keying phone and name together keeps a shared switchboard number
// from making every colleague a candidate. KeyAny stays KeyAny.
func PhoneNameIndexKey(raw, country, names string) (key string, ok bool) {
	k, ok := PhoneIndexKey(raw, country)
	if !ok || k == KeyAny {
		return k, ok
	}
	return PhoneNameLookupKey(k, NameIndexKey(names)), true
}

// PhoneNameLookupKey is the key of a phone key and a name key together.
func PhoneNameLookupKey(phoneKey, nameKey string) string { return phoneKey + "|" + nameKey }

// AnyName is NameIndexKey's answer for a name it cannot key.
const AnyName = "*"

// NameIndexKey is sql/sar_predicate.sql's name key, for ASCII text:
// lower(trim(s)) split on runs of [\t\n\f\r ,], empty words dropped,
// sorted, joined by one space. Non-ASCII text gives AnyName, since
// DuckDB's Unicode lower-casing is not Go's (search for tail|AnyName too).
func NameIndexKey(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return AnyName
		}
	}
	words := strings.FieldsFunc(strings.ToLower(strings.Trim(s, " ")), func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' || r == ','
	})
	sort.Strings(words)
	return strings.Join(words, " ")
}

// ProfileIndexKey is the key of a raw profile URL under the SAR
// predicate's SQL rewrite (sql/sar_predicate.sql): DuckDB's trim (spaces
// only), lower, then the scheme, a "www." and trailing slashes removed. For
// ASCII values it is that rewrite, done here; a non-ASCII value gets
// KeyAny, since DuckDB's Unicode lower-casing is not Go's.
func ProfileIndexKey(raw string) string {
	s := strings.Trim(raw, " ")
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return KeyAny
		}
	}
	s = strings.ToLower(s)
	if rest, ok := strings.CutPrefix(s, "https://"); ok {
		s = rest
	} else if rest, ok := strings.CutPrefix(s, "http://"); ok {
		s = rest
	}
	s = strings.TrimPrefix(s, "www.")
	if s = strings.TrimRight(s, "/"); s == KeyAny {
		return "/" // an empty URL must not read as "may match anyone"
	}
	return s
}
