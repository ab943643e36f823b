package normalize

import (
	"hash/fnv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// Subject index keys. The SAR/erasure search (pipeline/rights) can narrow
// a large table to a few candidate rows through an index of 32-bit keys,
// one per identifier value, before it runs its exact predicate on them.
// The index is only ever a candidate generator, so its one duty is to be a
// superset: every raw value that the predicate would match must carry the
// lookup key of the subject's identifier, or the key KeyAny ("always a
// candidate"). Hash collisions and junk keys only add candidates.
//
// Each key function has a fast path for the common plain-ASCII value and
// otherwise computes the key from the full normalisation, so almost no
// value needs KeyAny. TestIndexKeys* hold every key function to the
// normalisation it stands for.

// KeyAny is the index key of a value that may match any subject.
const KeyAny uint32 = 0

// KeyVersion changes whenever a key function changes, so that an index
// built by an older binary is rebuilt rather than trusted.
const KeyVersion = 1

// PhoneKeyDigits is how many trailing digits of the national significant
// number a phone key covers; a subject whose number is shorter is searched
// without the index.
const PhoneKeyDigits = 6

// hashKey is FNV-1a over s, never KeyAny.
func hashKey(s string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(s))
	if k := h.Sum32(); k != KeyAny {
		return k
	}
	return 1
}

// TextKey is the key of a value compared exactly (a subject_key column).
func TextKey(s string) uint32 { return hashKey(s) }

// EmailLookupKey is the lookup key of a normalised email (Email's output).
func EmailLookupKey(norm string) uint32 { return hashKey(norm) }

// EmailIndexKey is the key of a raw email value: EmailLookupKey(Email(raw))
// whenever Email accepts raw. ok is false when raw can match no address.
// Fast path: an ASCII value without ':', '<', '>' (mailto and display-name
// forms) and without "--" (IDNA's "xn--" labels) normalises, when valid,
// to itself trimmed of ASCII whitespace, lower-cased and without one
// trailing dot; anything else goes through Email itself.
func EmailIndexKey(raw string) (key uint32, ok bool) {
	s := strings.Trim(raw, " \t\n\v\f\r")
	plain := s != ""
	for i := 0; i < len(s) && plain; i++ {
		switch c := s[i]; {
		case c >= 0x80, c == ':', c == '<', c == '>':
			plain = false
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			plain = false
		}
	}
	if plain {
		s = strings.ToLower(strings.TrimSuffix(s, "."))
		if strings.IndexByte(s, '@') <= 0 {
			return 0, false
		}
		return hashKey(s), true
	}
	norm, ok := Email(raw)
	if !ok {
		return 0, false
	}
	return EmailLookupKey(norm), true
}

// PhoneLookupKey is the lookup key of an E.164 number: the hash of the last
// PhoneKeyDigits digits of its national significant number. ok is false
// when that number is shorter (search without the index).
func PhoneLookupKey(e164 string) (key uint32, ok bool) {
	nsn := NationalNumber(e164)
	if len(nsn) < PhoneKeyDigits {
		return 0, false
	}
	return hashKey(nsn[len(nsn)-PhoneKeyDigits:]), true
}

// PhoneIndexKey is the key of a raw phone value read with the default
// country: PhoneLookupKey(PossiblePhone(raw, country)) whenever PossiblePhone
// accepts raw and the number has at least PhoneKeyDigits national digits.
// ok is false when raw can match no number. Fast path: a value made only
// of digits and the separators " +-()./" ends with the national
// significant number (libphonenumber strips prefixes — country code,
// trunk and carrier codes — never a suffix; an extension needs a letter or
// one of "#,;~"), so its last digits are the key. Anything else is parsed.
func PhoneIndexKey(raw, country string) (key uint32, ok bool) {
	var tail [PhoneKeyDigits]byte
	n := 0
	plain := true
	for i := 0; i < len(raw) && plain; i++ {
		switch c := raw[i]; {
		case c >= '0' && c <= '9':
			copy(tail[:], tail[1:])
			tail[PhoneKeyDigits-1] = c
			n++
		case c == ' ', c == '+', c == '-', c == '(', c == ')', c == '.', c == '/':
		default:
			plain = false
		}
	}
	if plain {
		if n < 2 {
			return 0, false // PossiblePhone needs two digits
		}
		if n < PhoneKeyDigits {
			return hashKey(string(tail[PhoneKeyDigits-n:])), true
		}
		return hashKey(string(tail[:])), true
	}
	p, ok := parsePhone(raw, country)
	if !ok || phonenumbers.IsPossibleNumberWithReason(p) != phonenumbers.IS_POSSIBLE {
		return 0, false
	}
	nsn := phonenumbers.GetNationalSignificantNumber(p)
	if len(nsn) > PhoneKeyDigits {
		nsn = nsn[len(nsn)-PhoneKeyDigits:]
	}
	return hashKey(nsn), true
}

// ProfileLookupKey is the lookup key of a normalised profile URL (see
// ProfileIndexKey).
func ProfileLookupKey(norm string) uint32 { return hashKey(norm) }

// ProfileIndexKey is the key of a raw profile URL under the SAR
// predicate's SQL rewrite (sql/sar_predicate.sql): DuckDB's trim (spaces
// only), lower, then the scheme, a "www." and trailing slashes removed. For
// ASCII values it is that rewrite, done here; a non-ASCII value gets
// KeyAny, since DuckDB's Unicode lower-casing is not Go's.
func ProfileIndexKey(raw string) uint32 {
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
	s = strings.TrimRight(s, "/")
	return hashKey(s)
}
