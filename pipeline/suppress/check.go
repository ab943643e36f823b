package suppress

import (
	"context"
	"time"
)

// Decision explains how the store treats one value: `suppress check`.
type Decision struct {
	Kind Kind   `json:"kind"`
	Hash string `json:"hash"` // the subject_key for an email
	// Suppressed is true when an active entry applies.
	Suppressed bool `json:"suppressed"`
	// Scope is what the active entries remove: "person" (every export),
	// "phone" (only the phone number) or "" (nothing).
	Scope string `json:"scope"`
	// Tombstoned means an erasure tombstone: the person's rows are refused
	// at stage and never re-enter the warehouse.
	Tombstoned bool `json:"tombstoned"`
	// Restricted means processing is restricted (pipeline unrestrict lifts it).
	Restricted bool `json:"restricted"`
	// Since is when the earliest active entry was added.
	Since   *time.Time `json:"since,omitempty"`
	Matches []Match    `json:"matches"`
}

// Match is one entry that applies (or applied) to the value.
type Match struct {
	Entry
	Via    string `json:"via"` // email | phone | domain | email domain
	Active bool   `json:"active"`
	Scope  string `json:"scope"`
}

// Check explains the decision for v at the store's now. For an email,
// domain lists on its domain count too (the run also matches them on the
// company's domain, which an email alone does not tell).
func (s *Store) Check(ctx context.Context, v Value) (Decision, error) {
	now := s.now()
	d := Decision{Kind: v.Kind, Hash: v.Hash, Matches: []Match{}}
	entries, err := match(ctx, s.DB, v, true)
	if err != nil {
		return d, err
	}
	for _, e := range entries {
		m := Match{Entry: e, Active: e.Active(now), Scope: e.Scope(), Via: string(e.Kind)}
		if v.Kind == Email && e.Kind == Domain {
			m.Via = "email domain"
		}
		d.Matches = append(d.Matches, m)
		if !m.Active {
			continue
		}
		d.Suppressed = true
		if m.Scope == "person" || d.Scope == "" {
			d.Scope = m.Scope
		}
		if d.Since == nil || e.AddedAt.Before(*d.Since) {
			t := e.AddedAt
			d.Since = &t
		}
		if e.Kind == Email && e.Reason == ReasonErasure {
			d.Tombstoned = true
		}
		if e.Kind == Email && e.Reason == ReasonRestriction {
			d.Restricted = true
		}
	}
	return d, nil
}
