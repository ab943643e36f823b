package rights

import (
	"context"
	"fmt"
	"slices"

	"github.com/example/pipeline/pipeline/config"
)

// hopSeed is what the subject's own rows (matched by email or key) gave
// the identity hop in every shard: their names and the phones and
// profile URLs on them. A shard that holds none of those rows, or only
// some, follows the others' identifiers too, so the hop reaches a row of
// the subject in any shard exactly as it would in one warehouse.
type hopSeed struct {
	names, phones, profiles []string
}

// add merges the seed into expand's names (f.Names) and the identifiers
// found on the rows (phones, profiles). A nil seed adds nothing.
func (s *hopSeed) add(f *Findings, phones, profiles []string) ([]string, []string) {
	if s == nil {
		return phones, profiles
	}
	for _, n := range s.names {
		f.Names = addUnique(f.Names, n)
	}
	for _, p := range s.phones {
		phones = addUnique(phones, p)
	}
	for _, p := range s.profiles {
		profiles = addUnique(profiles, p)
	}
	return phones, profiles
}

// seedFrom returns s seeded with what the findings of every shard gave
// the hop, and whether a shard's search missed any of it (then it must be
// searched again with the seeded subject).
func seedFrom(s Subject, all []*Findings) (Subject, bool) {
	seed := &hopSeed{}
	for _, f := range all {
		for _, n := range f.Names {
			seed.names = addUnique(seed.names, n)
		}
		for _, p := range f.rowPhones {
			seed.phones = addUnique(seed.phones, p)
		}
		for _, p := range f.rowProfiles {
			seed.profiles = addUnique(seed.profiles, p)
		}
	}
	missed := false
	for _, f := range all {
		missed = missed || !covers(f.Names, seed.names) || !covers(f.rowPhones, seed.phones) || !covers(f.rowProfiles, seed.profiles)
	}
	if len(seed.phones)+len(seed.profiles) == 0 {
		return s, false // nothing to hop through
	}
	s.seed = seed
	return s, missed
}

func covers(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// SeedAcrossShards searches the subject in every shard warehouse (cfgs;
// the caller holds every shard's lock) and returns the subject seeded
// with what their rows give the identity hop, for an erasure that must
// reach the subject's rows in every shard (Erase with the returned
// subject).
func SeedAcrossShards(ctx context.Context, cfgs []*config.Config, s Subject, opts FindOptions) (Subject, error) {
	var all []*Findings
	for _, sc := range cfgs {
		f, err := func() (*Findings, error) {
			h, err := openAndFind(ctx, sc, s, opts)
			if err != nil {
				return nil, err
			}
			defer h.Close()
			return h.f, nil
		}()
		if err != nil {
			return s, fmt.Errorf("%s: %w", sc.Warehouse, err)
		}
		all = append(all, f)
	}
	seeded, _ := seedFrom(s, all)
	return seeded, nil
}
