package rights

import (
	"slices"
	"strings"
)

// MergeEraseResults merges the erasures of one subject in every shard of
// a sharded deployment (each shard erased in turn, Erase) into the one
// result an unsharded erasure gives: rows per table added up, each export
// file, sink and recipient told once. The tombstone is "added" when any
// shard added it (every shard keeps its own suppression store).
func MergeEraseResults(all []*EraseResult) *EraseResult {
	if len(all) == 1 {
		return all[0]
	}
	m := &EraseResult{SubjectKey: all[0].SubjectKey, DryRun: all[0].DryRun, Tables: []TableChange{},
		Files: []PlannedFile{}, Sinks: []SinkChange{}, NotSearchable: []NotSearchable{}, Notices: []Notice{}}
	tables := map[string]int{}
	sinks := map[string]int{}
	for _, r := range all {
		m.Resumed = m.Resumed || r.Resumed
		for _, t := range r.Tables {
			if i, ok := tables[t.Table]; ok {
				m.Tables[i].Rows += t.Rows
				continue
			}
			tables[t.Table] = len(m.Tables)
			m.Tables = append(m.Tables, t)
		}
		for _, s := range r.Sinks {
			if i, ok := sinks[s.Export]; ok {
				m.Sinks[i].Rows += s.Rows
				continue
			}
			sinks[s.Export] = len(m.Sinks)
			m.Sinks = append(m.Sinks, s)
		}
		m.Rejects += r.Rejects
		m.Lineage += r.Lineage
		m.Files = append(m.Files, r.Files...)
		m.NotSearchable = append(m.NotSearchable, r.NotSearchable...)
		m.Notices = append(m.Notices, r.Notices...)
		switch {
		case m.Tombstone == "" || r.Tombstone == "added":
			m.Tombstone = r.Tombstone
		}
		if r.Pending != "" {
			m.Pending = r.Pending
		}
	}
	m.Compaction = mergeCompaction(all)
	m.Files = uniqueBy(m.Files, func(f PlannedFile) string { return f.Dir + "\x00" + f.File })
	m.NotSearchable = uniqueBy(m.NotSearchable, jsonKey[NotSearchable])
	m.Notices = uniqueBy(m.Notices, func(n Notice) string { return n.Export + "\x00" + n.Recipient })
	return m
}

// mergeCompaction is the shards' Compaction as one: the distinct rewrites
// (what the DPO needs to know), or else what the shards that needed none
// say.
func mergeCompaction(all []*EraseResult) string {
	var rewrites []string
	none := ""
	for _, r := range all {
		switch {
		case strings.HasPrefix(r.Compaction, "not needed"):
			none = r.Compaction
		case r.Compaction != "" && !slices.Contains(rewrites, r.Compaction):
			rewrites = append(rewrites, r.Compaction)
		}
	}
	if len(rewrites) == 0 {
		return none
	}
	return strings.Join(rewrites, "; ")
}
