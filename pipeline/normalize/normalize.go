// Package normalize is the single normalisation of personal identifiers
// (emails, website domains, phone numbers) shared by every path of the
// pipeline: enrichment, suppression screening, subject access and erasure.
//
// Every path must derive keys through this package so that the same person
// yields the same subject_key wherever they appear. All functions are pure
// and safe for concurrent use; the embedded reference lists are parsed once,
// on first use, into read-only lookup tables.
//
// The normalisers never log and never return the raw value in an error: a
// failed normalisation is reported only as ok=false.
package normalize

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// SubjectKey returns the subject_key of a data subject: the lower-case hex
// SHA-256 of their normalised email. normEmail must already be the output of
// [Email]; SubjectKey does not normalise it again.
func SubjectKey(normEmail string) string {
	return Hash(normEmail)
}

// EmailKey normalises raw with [Email] and returns its [SubjectKey]; ok is
// false (and key empty) when raw is not a valid address.
func EmailKey(raw string) (key string, ok bool) {
	norm, ok := Email(raw)
	if !ok {
		return "", false
	}
	return SubjectKey(norm), true
}

// Hash returns the lower-case hex SHA-256 of an already normalised value
// (an E.164 phone, a domain). It is the same function as [SubjectKey], named
// separately for readability at call sites.
func Hash(norm string) string {
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:])
}

// SplitEmail splits a normalised email at its '@' into the local part and
// the domain part. For a value without '@' it returns (norm, "").
func SplitEmail(norm string) (local, domain string) {
	i := strings.LastIndexByte(norm, '@')
	if i < 0 {
		return norm, ""
	}
	return norm[:i], norm[i+1:]
}
