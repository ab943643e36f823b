package rights

import (
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/audit"
)

// TestMergeFindings: what two shards found is put together as one
// warehouse would have found it: a reference row both staged (differing
// only in provenance) once, a split source's rows all, the same export
// file and suppression entry once, the audit entries of one command once.
func TestMergeFindings(t *testing.T) {
	at := time.Date(2027, 1, 5, 10, 0, 30, 0, time.UTC)
	a := &Findings{
		Tables: []TableHit{
			{Table: "raw_ref", Rows: []Row{{"email": "x@y.z", "_run_id": "r-a", "_loaded_at": "t1"}}},
			{Table: "raw_people", Rows: []Row{{"email": "x@y.z", "company_domain": "a.com", "_run_id": "r-a"}}},
		},
		Exports:     []ExportHit{{Export: "e", Files: []string{"/x/part-1.parquet"}, FileRows: map[string]int{"/x/part-1.parquet": 1}, Rows: []Row{{"k": "v"}}}},
		Suppression: []Row{{"kind": "email", "reason": "erasure", "added_at": "t1"}},
		Audit:       []audit.Entry{{At: at, Action: "erase", SubjectKey: "k", Seq: 3}},
	}
	b := &Findings{
		Tables: []TableHit{
			{Table: "raw_ref", Rows: []Row{{"email": "x@y.z", "_run_id": "r-b", "_loaded_at": "t2"}}},
			{Table: "raw_people", Rows: []Row{{"email": "x@y.z", "company_domain": "b.com", "_run_id": "r-b"}}},
		},
		Exports:     []ExportHit{{Export: "e", Files: []string{"/x/part-1.parquet"}, FileRows: map[string]int{"/x/part-1.parquet": 1}, Rows: []Row{{"k": "v"}}}},
		Suppression: []Row{{"kind": "email", "reason": "erasure", "added_at": "t2"}},
		Audit:       []audit.Entry{{At: at.Add(2 * time.Second), Action: "erase", SubjectKey: "k", Seq: 5}},
	}
	m := MergeFindings([]*Findings{a, b})
	rows := map[string]int{}
	for _, h := range m.Tables {
		rows[h.Table] = len(h.Rows)
	}
	if rows["raw_ref"] != 1 || rows["raw_people"] != 2 {
		t.Errorf("table rows after the merge: %v, want raw_ref 1 (one source row staged by both), raw_people 2", rows)
	}
	if len(m.Exports) != 1 || len(m.Exports[0].Rows) != 1 || len(m.Exports[0].Files) != 1 {
		t.Errorf("exports after the merge: %+v", m.Exports)
	}
	if len(m.Suppression) != 1 || len(m.Audit) != 1 {
		t.Errorf("suppression %d, audit %d entries after the merge; want 1 and 1", len(m.Suppression), len(m.Audit))
	}
}

// TestMergeCompaction: a sharded erasure reports each shard's rewrite of
// its warehouse file, once each, and "not needed" only when no shard
// rewrote.
func TestMergeCompaction(t *testing.T) {
	none, rej, pend := "not needed: keys only", "rewritten: rejects: 1 rows deleted", "rewritten: rejects deleted"
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{none, none}, none},
		{[]string{none, rej, none}, rej},
		{[]string{rej, pend, rej}, rej + "; " + pend},
		{[]string{"", ""}, ""},
	} {
		var all []*EraseResult
		for _, c := range tc.in {
			all = append(all, &EraseResult{Compaction: c})
		}
		if got := mergeCompaction(all); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}
