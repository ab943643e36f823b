package rights

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// A sharded deployment (docs/sharding.md) keeps one warehouse per shard; a
// subject's rows are in the shard of their company's domain, which the
// request's email does not tell (and one email may be staged under two
// companies). The rights commands therefore search every shard and merge
// what they found into the one answer an unsharded warehouse gives.

// ShardConn is one shard's warehouse as a rights command holds it.
type ShardConn struct {
	Config *config.Config // the shard's configuration (its Warehouse)
	Conn   *sql.Conn
	DB     *engine.DB
}

// AccessShards answers a subject access request over every shard: the
// subject is searched for in each (Find), the findings are merged
// (MergeFindings) and one report is built, as Access does for one
// warehouse. The request is recorded in each shard's audit log.
func AccessShards(ctx context.Context, shards []ShardConn, cfg *config.Config, s Subject, opts FindOptions, now time.Time) (*Report, error) {
	all, err := findShards(ctx, shards, s, opts)
	if err != nil {
		return nil, err
	}
	// the identity hop across shards: a shard whose rows of the subject
	// gave less than all of them is searched again with everything found
	if seeded, missed := seedFrom(s, all); missed {
		if all, err = findShards(ctx, shards, seeded, opts); err != nil {
			return nil, err
		}
	}
	var corrections []CorrectionRecord
	var seen []Seen
	for _, sh := range shards {
		cs, err := Corrections(ctx, sh.Conn, s.Key)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sh.Config.Warehouse, err)
		}
		corrections = append(corrections, cs...)
		sn, err := findSeen(ctx, sh.Conn, sh.Config, s.Key)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sh.Config.Warehouse, err)
		}
		seen = append(seen, sn...)
	}
	f := MergeFindings(all)
	r := NewReport(cfg, f, now)
	r.Corrections = uniqueBy(corrections, func(c CorrectionRecord) string { return jsonKey(c) })
	sort.SliceStable(r.Corrections, func(i, j int) bool { return r.Corrections[i].CorrectedAt.Before(r.Corrections[j].CorrectedAt) })
	r.addSeen(mergeSeen(seen))
	r.Summary = buildSummary(cfg, f, r)
	details := r.AuditSummary()
	details["deep"] = opts.Deep
	details["shards"] = len(shards)
	for _, sh := range shards {
		if _, err := audit.Append(ctx, sh.Conn, audit.Entry{At: now, Action: "sar", SubjectKey: s.Key, Details: details}); err != nil {
			return nil, fmt.Errorf("%s: %w", sh.Config.Warehouse, err)
		}
	}
	return r, nil
}

// findShards runs Find in every shard.
func findShards(ctx context.Context, shards []ShardConn, s Subject, opts FindOptions) ([]*Findings, error) {
	var all []*Findings
	for _, sh := range shards {
		o := opts
		o.DB = sh.DB
		f, err := Find(ctx, sh.Conn, sh.Config, s, o)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sh.Config.Warehouse, err)
		}
		all = append(all, f)
	}
	return all, nil
}

// MergeFindings merges the findings of one subject in several shards:
// the same table's rows are put together, and what every shard reads
// alike (the suppression store, the export files, the sinks, the audit
// entries each shard recorded of the same request) is kept once.
func MergeFindings(all []*Findings) *Findings {
	if len(all) == 1 {
		return all[0]
	}
	m := &Findings{Subject: all[0].Subject, Country: all[0].Country, log: all[0].log}
	m.Subject.Phones, m.Subject.Profiles = nil, nil
	tables := map[string]int{}
	exports := map[string]int{}
	for _, f := range all {
		for _, t := range f.Tables {
			i, ok := tables[t.Table]
			if !ok {
				tables[t.Table] = len(m.Tables)
				m.Tables = append(m.Tables, t)
				continue
			}
			mergeTable(&m.Tables[i], t)
		}
		for _, e := range f.Exports {
			i, ok := exports[e.Export]
			if !ok {
				exports[e.Export] = len(m.Exports)
				e.FileRows = cloneMap(e.FileRows)
				m.Exports = append(m.Exports, e)
				continue
			}
			mergeExport(&m.Exports[i], e)
		}
		m.Rejects = append(m.Rejects, f.Rejects...)
		m.Suppression = append(m.Suppression, f.Suppression...)
		m.Lineage = append(m.Lineage, f.Lineage...)
		m.Sinks = append(m.Sinks, f.Sinks...)
		m.NotSearchable = append(m.NotSearchable, f.NotSearchable...)
		m.notErasable = append(m.notErasable, f.notErasable...)
		m.Audit = append(m.Audit, f.Audit...)
		m.Tombstoned = m.Tombstoned || f.Tombstoned
		m.Names = append(m.Names, f.Names...)
		m.NotFollowed = append(m.NotFollowed, f.NotFollowed...)
		m.rowPhones, m.rowProfiles = append(m.rowPhones, f.rowPhones...), append(m.rowProfiles, f.rowProfiles...)
		m.hopPhones, m.hopProfiles = append(m.hopPhones, f.hopPhones...), append(m.hopProfiles, f.hopProfiles...)
		for _, p := range f.Subject.Phones {
			m.Subject.Phones = addUnique(m.Subject.Phones, p)
		}
		for _, p := range f.Subject.Profiles {
			m.Subject.Profiles = addUnique(m.Subject.Profiles, p)
		}
		if m.derivedFirst == "" {
			m.derivedFirst, m.derivedLast = f.derivedFirst, f.derivedLast
		}
	}
	// a source every shard reads whole (reference, consent) left the same
	// rejected line in each: one line is told once
	m.Rejects = uniqueBy(m.Rejects, func(r Row) string { return copyKey(r, "run_id", "rejected_at") })
	// every shard keeps its own suppression store, changed by each rights
	// command in turn: an entry is the same one whenever it was added
	m.Suppression = uniqueBy(m.Suppression, func(r Row) string {
		k := maps.Clone(r)
		delete(k, "added_at")
		return jsonKey(k)
	})
	m.Lineage = uniqueBy(m.Lineage, jsonKey[Lineage])
	m.Sinks = uniqueBy(m.Sinks, jsonKey[SinkHit])
	m.NotSearchable = uniqueBy(m.NotSearchable, jsonKey[NotSearchable])
	m.notErasable = uniqueBy(m.notErasable, jsonKey[NotSearchable])
	// each shard records the same command, at most seconds apart: one
	// entry per command (and request) and minute is told
	m.Audit = uniqueBy(m.Audit, func(e audit.Entry) string {
		return jsonKey([]any{e.At.Truncate(time.Minute).Unix(), e.Action, e.SubjectKey, e.Details["request"]})
	})
	sort.SliceStable(m.Audit, func(i, j int) bool { return m.Audit[i].At.Before(m.Audit[j].At) })
	sort.Strings(m.Subject.Phones)
	sort.Strings(m.Subject.Profiles)
	m.Names = uniqueBy(m.Names, func(s string) string { return s })
	m.NotFollowed = uniqueBy(m.NotFollowed, jsonKey[NotFollowed])
	for _, p := range []*[]string{&m.rowPhones, &m.rowProfiles, &m.hopPhones, &m.hopProfiles} {
		*p = uniqueBy(*p, func(s string) string { return s })
	}
	return m
}

// mergeTable adds another shard's hit in the same table. A row that is
// already there but for its provenance (_run_id, _loaded_at) is the same
// source row staged by both shards (a reference source, read whole by
// every shard): it is kept once. Rows of a split source are in one shard
// only, so none of theirs is dropped.
func mergeTable(into *TableHit, t TableHit) {
	have := map[string]int{}
	for _, r := range into.Rows {
		have[copyKey(r, "_run_id", "_loaded_at")]++
	}
	for _, r := range t.Rows {
		k := copyKey(r, "_run_id", "_loaded_at")
		if have[k] > 0 {
			have[k]--
			continue
		}
		into.Rows = append(into.Rows, r)
	}
	for _, c := range t.Columns {
		if !slices.Contains(into.Columns, c) {
			into.Columns = append(into.Columns, c)
		}
	}
	for _, c := range t.Categories {
		if !slices.Contains(into.Categories, c) {
			into.Categories = append(into.Categories, c)
		}
	}
	for _, s := range t.Sources {
		if !slices.Contains(into.Sources, s) {
			into.Sources = append(into.Sources, s)
		}
	}
	if !t.FirstSeen.IsZero() && (into.FirstSeen.IsZero() || t.FirstSeen.Before(into.FirstSeen)) {
		into.FirstSeen = t.FirstSeen
	}
}

// mergeExport adds another shard's hit in the same export: the files
// both read are counted once.
func mergeExport(into *ExportHit, e ExportHit) {
	seen := map[string]bool{}
	for _, r := range into.Rows {
		seen[jsonKey(r)] = true
	}
	for _, r := range e.Rows {
		if !seen[jsonKey(r)] {
			into.Rows = append(into.Rows, r)
		}
	}
	for _, f := range e.Files {
		if !slices.Contains(into.Files, f) {
			into.Files = append(into.Files, f)
			into.FileRows[f] = e.FileRows[f]
		}
	}
	sort.Strings(into.Files)
	into.InLineage = into.InLineage || e.InLineage
	if !e.FirstExported.IsZero() && (into.FirstExported.IsZero() || e.FirstExported.Before(into.FirstExported)) {
		into.FirstExported = e.FirstExported
	}
}

// mergeSeen keeps one entry per source: the earliest first sighting, the
// rest from the latest.
func mergeSeen(all []Seen) []Seen {
	by := map[string]int{}
	var out []Seen
	for _, s := range all {
		i, ok := by[s.Source]
		if !ok {
			by[s.Source] = len(out)
			out = append(out, s)
			continue
		}
		first := min(out[i].FirstSeen, s.FirstSeen)
		if s.LastSeen > out[i].LastSeen {
			out[i] = s
		}
		out[i].FirstSeen = first
	}
	return out
}

// copyKey is a row's JSON without the given (provenance) columns.
func copyKey(r Row, drop ...string) string {
	k := maps.Clone(r)
	for _, d := range drop {
		delete(k, d)
	}
	return jsonKey(k)
}

func uniqueBy[T any](xs []T, key func(T) string) []T {
	seen := map[string]bool{}
	out := xs[:0:0]
	for _, x := range xs {
		k := key(x)
		if !seen[k] {
			seen[k] = true
			out = append(out, x)
		}
	}
	return out
}

func jsonKey[T any](v T) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func cloneMap(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
