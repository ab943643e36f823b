package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRestrictionAndObjectionTakeEffectNow: restrict and object take the
// subject out of the export the recipient already holds at once (file
// rewritten, manifest updated), print and audit the recipients to
// notify, and say so when the address is held nowhere.
func TestRestrictionAndObjectionTakeEffectNow(t *testing.T) {
	dir := workspace(t)
	suppRun(t, dir)
	rk, ok := suppKey(t, restricted), suppKey(t, objector)
	if st := suppReadState(t, dir); !st.exported[rk] || !st.exported[ok] {
		t.Fatal("run 1: the people under test are not exported")
	}
	for _, tc := range []struct{ cmd, email, key, action string }{
		{"restrict", restricted, rk, "restriction.notify"},
		{"object", objector, ok, "objection.notify"},
	} {
		r := mustPipeline(t, dir, tc.cmd, "--email", tc.email)
		if !strings.Contains(r.stdout, "Recipients to notify") || !strings.Contains(r.stdout, "Acme Payroll Ltd") || !strings.Contains(r.stdout, "rewritten without the subject") {
			t.Errorf("%s output:\n%s", tc.cmd, r.stdout)
		}
		if st := suppReadState(t, dir); st.exported[tc.key] || st.prospects[tc.key] {
			t.Errorf("%s: the subject is still in the current export (%v) or prospects (%v), before any run", tc.cmd, st.exported[tc.key], st.prospects[tc.key])
		}
		var entries []struct {
			Action  string         `json:"action"`
			Details map[string]any `json:"details"`
		}
		out := mustPipeline(t, dir, "audit", "--subject-key", tc.key, "--format", "json").stdout
		if err := json.Unmarshal([]byte(out), &entries); err != nil {
			t.Fatal(err)
		}
		audited := false
		for _, e := range entries {
			audited = audited || e.Action == tc.action && strings.Contains(strings.ToLower(jsonText(e.Details)), "acme payroll ltd")
		}
		if !audited {
			t.Errorf("%s: no %s audit entry naming the recipient:\n%s", tc.cmd, tc.action, out)
		}
	}
	if st := suppReadState(t, dir); len(st.exported) != 40 {
		t.Errorf("export holds %d subjects after the two withdrawals, want 40", len(st.exported))
	}
	mustPipeline(t, dir, "audit", "verify")

	// the next run: stored, not processed — out of prospects, raw rows kept
	rep := suppRun(t, dir)
	st := suppReadState(t, dir)
	if st.prospects[rk] || st.prospects[ok] || st.exported[rk] || st.exported[ok] {
		t.Errorf("next run: restricted/objecting subjects processed (prospects %v %v, export %v %v)", st.prospects[rk], st.prospects[ok], st.exported[rk], st.exported[ok])
	}
	if n := rawCount(t, dir, "raw_vendor_people", restricted) + rawCount(t, dir, "raw_crm_people", restricted); n == 0 {
		t.Errorf("the restricted person's raw rows were not kept")
	}
	counts := map[string]int64{}
	for _, s := range rep.Suppression {
		counts[s.List+"/"+s.Reason] += s.People
	}
	if counts["manual/restriction"] != 1 || counts["manual/objection"] != 1 {
		t.Errorf("run report suppression counts %v", counts)
	}
	mustPipeline(t, dir, "unrestrict", "--email", restricted)
	suppRun(t, dir)
	if st := suppReadState(t, dir); !st.prospects[rk] || !st.exported[rk] {
		t.Errorf("after unrestrict the subject is not back (prospects %v, export %v)", st.prospects[rk], st.exported[rk])
	}
	r := mustPipeline(t, dir, "restrict", "--email", "nobody.here@nowhere-ltd.co.uk")
	if !strings.Contains(r.stdout, "held nowhere") {
		t.Errorf("restrict of an unknown address:\n%s", r.stdout)
	}
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
