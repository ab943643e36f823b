// Package rights answers data subjects' rights across every dataset the
// pipeline has written: access (Find + Report, `pipeline sar`), erasure
// (Erase, `pipeline erase`) and retention (Purge, `pipeline purge`).
//
// Subjects are resolved through the catalog: every warehouse table is
// searched on the columns whose category identifies a person
// (contact.email, pseudonymous.subject_key, contact.phone,
// online.profile_url) with SQL rendered from the templates in sql/
// (sar_*.sql, erase_*.sql, purge_*.sql), so a new dataset is covered
// without code changes.
//
// Callers hold the warehouse lock (warehouse.WaitLock) for the whole of a
// Find, Erase or Purge: nothing here is safe against a concurrent run.
// Nothing personal is logged or written to the audit log: only the
// subject_key, counts and dataset names.
package rights

import (
	"errors"
	"regexp"
	"strings"

	"golang.org/x/net/idna"

	"github.com/example/pipeline/pipeline/normalize"
)

// Errors of NewSubject: an identifier given with the request that cannot be
// searched for. A request is never answered on a guess.
var (
	ErrBadEmail   = errors.New("rights: not a valid email address")
	ErrBadPhone   = errors.New("rights: not a phone number")
	ErrBadProfile = errors.New("rights: not a profile URL")
)

// Subject is the person a request is about: the normalised identifiers
// given, and the subject_key derived from the email.
type Subject struct {
	Email    string   // normalised (normalize.Email)
	Key      string   // normalize.SubjectKey(Email)
	Phones   []string // E.164
	Profiles []string // profile URLs, normalised by ProfileKey
	// seed: what the subject's rows in other shards gave the identity hop
	// (a sharded deployment, shards.go); nil otherwise
	seed *hopSeed
}

// NewSubject normalises the request's identifiers. phone and profile may
// be empty; phone in national form is read as a number of country
// (default GB). A phone or profile given that does not normalise is an
// error (ErrBadPhone, ErrBadProfile), never silently left out.
func NewSubject(email, phone, profile, country string) (Subject, error) {
	norm, ok := normalize.Email(email)
	if !ok {
		return Subject{}, ErrBadEmail
	}
	s := Subject{Email: norm, Key: normalize.SubjectKey(norm)}
	if country == "" {
		country = "GB"
	}
	if strings.TrimSpace(phone) != "" {
		p, ok := normalize.PossiblePhone(phone, country)
		if !ok {
			return Subject{}, ErrBadPhone
		}
		s.Phones = append(s.Phones, p)
	}
	if strings.TrimSpace(profile) != "" {
		p := ProfileKey(profile)
		if p == "" || !strings.Contains(p, "/") {
			return Subject{}, ErrBadProfile
		}
		s.Profiles = append(s.Profiles, p)
	}
	return s, nil
}

var profileRE = regexp.MustCompile(`^(https?://)?(www\.)?|/+$`)

// ProfileKey normalises a profile URL for matching: trimmed, lower case,
// without scheme, "www." or trailing slashes. sar_predicate.sql applies the
// same rewrite in SQL.
func ProfileKey(raw string) string {
	return profileRE.ReplaceAllString(strings.ToLower(strings.TrimSpace(raw)), "")
}

// likePattern is s as an ILIKE pattern matching any text containing s,
// with the ILIKE wildcards in s escaped (ESCAPE '\').
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// rejectParams are the parameters of rejects_match.sql for a normalised
// email: a rejected line holds the address as received, so an
// international one (its domain in IDNA, normalize.Email) is looked for
// with its domain in Unicode too.
func rejectParams(email string) params {
	local, domain := normalize.SplitEmail(email)
	if u, err := idna.ToUnicode(domain); err == nil && u != "" {
		domain = u
	}
	return params{"like": likePattern(email), "like_unicode": likePattern(local + "@" + domain)}
}

func addUnique(list []string, v string) []string {
	if v == "" {
		return list
	}
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

func normalizePhone(raw, country string) (string, bool) { return normalize.PossiblePhone(raw, country) }

func hashOf(norm string) string { return normalize.Hash(norm) }
