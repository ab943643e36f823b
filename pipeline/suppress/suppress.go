// Package suppress manages the suppression store: the warehouse table
// suppression that every run screens prospects against (docs/design.md, step 4).
//
// Emails and phones are stored only as the hex SHA-256 of their normalised
// form (pipeline/normalize, the same functions the run calls in SQL as
// pl_email and pl_phone); domains are company data and are kept in clear.
// Entries added here are manual: added_by is the acting person, so the
// run's list sync, which only touches added_by = 'sync' rows, never
// removes them. Every change is written to the audit log in the same
// transaction, keyed by the hash, never by the value.
//
// A Store is not safe for concurrent writers on one warehouse; callers hold
// the warehouse lock (warehouse.WaitLock) as the CLI does.
package suppress

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/normalize"
)

// Kind is what a suppression entry matches on.
type Kind string

// The kinds of entries.
const (
	Email  Kind = "email"
	Domain Kind = "domain"
	Phone  Kind = "phone"
)

// ParseKind accepts email, domain or phone.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToLower(strings.TrimSpace(s))); k {
	case Email, Domain, Phone:
		return k, nil
	}
	return "", fmt.Errorf("%w: kind %q (want email, domain or phone)", ErrUsage, s)
}

// Reasons with a meaning of their own; any other word is accepted too
// (unsubscribe, complaint, tps, ctps, client_dnc, ...).
const (
	ReasonErasure     = "erasure"     // a tombstone: permanent, refused at stage
	ReasonRestriction = "restriction" // processing restricted until lifted
	ReasonObjection   = "objection"   // Art. 21 objection: permanent
)

// SourceManual is the source of entries made by a command rather than a list.
const SourceManual = "manual"

// DefaultPhoneCountry is the region for phone numbers in national form,
// as for the run's suppression lists (TPS and CTPS are UK registers).
const DefaultPhoneCountry = "GB"

// Errors.
var (
	// ErrUsage is a value or option the store cannot accept (exit 2 in the CLI).
	ErrUsage = errors.New("suppress")
	// ErrTombstone means a command tried to remove an erasure tombstone.
	ErrTombstone = errors.New("suppress: erasure tombstones are permanent")
)

// Value is a normalised identifier ready to match the store. It never
// holds a raw email or phone: only their hash.
type Value struct {
	Kind Kind
	Hash string // hex SHA-256 of the normalised value; the subject_key for emails
	// Domain is the normalised domain: the value itself for Kind Domain,
	// the email's domain for Kind Email, "" for phones.
	Domain string
}

// Normalize normalises raw as kind with pipeline/normalize. country is the
// default region for phones in national form ("" = GB). The error never
// repeats raw.
func Normalize(kind Kind, raw, country string) (Value, error) {
	switch kind {
	case Email:
		n, ok := normalize.Email(raw)
		if !ok {
			return Value{}, fmt.Errorf("%w: not a valid email address", ErrUsage)
		}
		_, d := normalize.SplitEmail(n)
		return Value{Kind: Email, Hash: normalize.SubjectKey(n), Domain: d}, nil
	case Domain:
		n, ok := normalize.Domain(raw)
		if !ok {
			return Value{}, fmt.Errorf("%w: not a valid domain", ErrUsage)
		}
		return Value{Kind: Domain, Hash: normalize.Hash(n), Domain: n}, nil
	case Phone:
		if country == "" {
			country = DefaultPhoneCountry
		}
		// PossiblePhone, as pl_phone does in the run: recall over validity.
		n, ok := normalize.PossiblePhone(raw, country)
		if !ok {
			return Value{}, fmt.Errorf("%w: not a phone number (for region %s)", ErrUsage, strings.ToUpper(country))
		}
		return Value{Kind: Phone, Hash: normalize.Hash(n)}, nil
	}
	return Value{}, fmt.Errorf("%w: kind %q", ErrUsage, kind)
}

// Entry is one row of the store as shown to users: hashes, domains, never
// raw emails or phones.
type Entry struct {
	Kind      Kind       `json:"kind"`
	Hash      string     `json:"hash"`
	Domain    string     `json:"domain,omitempty"`
	Reason    string     `json:"reason"`
	Source    string     `json:"source"`
	AddedAt   time.Time  `json:"added_at"`
	AddedBy   string     `json:"added_by"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Note      string     `json:"note,omitempty"`
}

// Active reports whether the entry applies at now.
func (e Entry) Active(now time.Time) bool { return e.ExpiresAt == nil || e.ExpiresAt.After(now) }

// Scope is what an entry removes: the whole person from every export, or
// only the phone number (docs/design.md, step 4).
func (e Entry) Scope() string {
	if e.Kind == Phone {
		return "phone"
	}
	return "person"
}

// Store is the suppression store in one warehouse.
type Store struct {
	DB    *engine.DB
	Actor string           // who acts; "" = audit.Actor()
	Now   func() time.Time // clock; nil = time.Now
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Store) actor() string {
	if s.Actor != "" {
		return s.Actor
	}
	return audit.Actor()
}

// CheckNote refuses a note that seems to carry an identifier: notes are
// shown by `suppress list`, which must never show a raw email or phone.
func CheckNote(note, raw string) error {
	if note == "" {
		return nil
	}
	lower := strings.ToLower(note)
	if r := strings.ToLower(strings.TrimSpace(raw)); r != "" && strings.Contains(lower, r) {
		return fmt.Errorf("%w: the note repeats the value; notes are shown in lists and must not hold emails or phones", ErrUsage)
	}
	for _, tok := range strings.FieldsFunc(note, func(r rune) bool {
		return r == ' ' || r == ',' || r == ';' || r == '<' || r == '>' || r == '(' || r == ')'
	}) {
		if _, ok := normalize.Email(tok); ok {
			return fmt.Errorf("%w: the note holds an email address; notes must not hold emails or phones", ErrUsage)
		}
	}
	digits := 0
	for _, r := range note {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '+' || r == '.':
		default:
			digits = 0
		}
		if digits >= 7 {
			return fmt.Errorf("%w: the note looks like it holds a phone number; notes must not hold emails or phones", ErrUsage)
		}
	}
	return nil
}

// ParseExpiry parses --expires: a date (YYYY-MM-DD: the entry stops
// applying at the start of that day, UTC) or an RFC 3339 time. It must lie
// after now.
func ParseExpiry(s string, now time.Time) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, s); err != nil {
			return nil, fmt.Errorf("%w: --expires %q: want YYYY-MM-DD or RFC 3339", ErrUsage, s)
		}
	}
	t = t.UTC()
	if !t.After(now) {
		return nil, fmt.Errorf("%w: --expires %q is not in the future", ErrUsage, s)
	}
	return &t, nil
}
