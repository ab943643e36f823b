package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// appendLine adds one line to a fixture list of the workspace.
func appendLine(t *testing.T, dir, file, line string) {
	t.Helper()
	p := filepath.Join(dir, "fixtures", file)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	if err := os.WriteFile(p, append(b, line+"\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestObjectionIsPermanent: an objection (and an unsubscribe) that came
// from a list file stays when the line leaves the file; `suppress remove`
// and `--expires` refuse objections and tombstones (exit 2); only
// `unobject --evidence` lifts one, audited with its evidence.
func TestObjectionIsPermanent(t *testing.T) {
	dir := workspace(t)
	objKey, unsubKey := suppKey(t, objector), suppKey(t, restricted)
	listsDir := filepath.Join(dir, "fixtures")
	origHashed, _ := os.ReadFile(filepath.Join(listsDir, "suppressed_hashed.csv"))
	origUnsub, _ := os.ReadFile(filepath.Join(listsDir, "unsubscribes.csv"))

	suppRun(t, dir)
	if st := suppReadState(t, dir); !st.exported[objKey] || !st.exported[unsubKey] {
		t.Fatalf("run 1: the two people under test are not exported")
	}
	// The objection list (hashed) and the unsubscribe list gain a line each.
	appendLine(t, dir, "suppressed_hashed.csv", objKey)
	appendLine(t, dir, "unsubscribes.csv", strings.ToUpper(restricted))
	suppRun(t, dir)
	if st := suppReadState(t, dir); st.exported[objKey] || st.exported[unsubKey] {
		t.Fatalf("run 2: listed people exported (objection %v, unsubscribe %v)", st.exported[objKey], st.exported[unsubKey])
	}
	// The lines leave the files: a sync only ever adds objections and unsubscribes.
	for name, b := range map[string][]byte{"suppressed_hashed.csv": origHashed, "unsubscribes.csv": origUnsub} {
		if err := os.WriteFile(filepath.Join(listsDir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for run := 3; run <= 4; run++ {
		suppRun(t, dir)
		st := suppReadState(t, dir)
		if st.exported[objKey] {
			t.Errorf("run %d: an objection dropped from its list file was lifted: the objector is exported again", run)
		}
		if st.exported[unsubKey] {
			t.Errorf("run %d: an unsubscribe dropped from its list file was lifted: exported again", run)
		}
	}

	// suppress remove refuses the objection, with a usage error naming unobject.
	rm := pipeline(t, dir, "suppress", "remove", "--email", objector)
	if rm.code != 2 || !strings.Contains(rm.stderr, "unobject") {
		t.Errorf("suppress remove of an objection: exit %d\n%s%s", rm.code, rm.stdout, rm.stderr)
	}
	rm = pipeline(t, dir, "suppress", "remove", "--email", objector, "--reason", "objection")
	if rm.code != 2 || !strings.Contains(rm.stderr, "unobject") {
		t.Errorf("suppress remove --reason objection: exit %d\n%s%s", rm.code, rm.stdout, rm.stderr)
	}
	// An objection cannot expire, nor be imported with an expiry.
	add := pipeline(t, dir, "suppress", "add", "--email", "someone@northwind-payroll.co.uk", "--reason", "objection", "--expires", "2099-01-01")
	if add.code != 2 || !strings.Contains(add.stderr, "cannot expire") {
		t.Errorf("suppress add objection --expires: exit %d\n%s%s", add.code, add.stdout, add.stderr)
	}
	imp := filepath.Join(dir, "objections.csv")
	if err := os.WriteFile(imp, []byte("email\nsomeone@northwind-payroll.co.uk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := pipeline(t, dir, "suppress", "import", imp, "--kind", "email", "--reason", "objection", "--expires", "2099-01-01"); r.code != 2 {
		t.Errorf("suppress import objection --expires: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A tombstone: refused with exit 2 too.
	mustPipeline(t, dir, "erase", "--email", erased, "--yes")
	if r := pipeline(t, dir, "suppress", "remove", "--email", erased); r.code != 2 || !strings.Contains(r.stderr, "tombstone") {
		t.Errorf("suppress remove of a tombstone: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// unobject: evidence required; then lifted, audited with the evidence.
	if r := pipeline(t, dir, "unobject", "--email", objector); r.code != 2 || !strings.Contains(r.stderr, "--evidence") {
		t.Errorf("unobject without evidence: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	const evidence = "signed letter of 2027-01-05, ticket 4411"
	un := mustPipeline(t, dir, "unobject", "--email", objector, "--evidence", evidence)
	if !strings.Contains(un.stdout, "objection withdrawn") || strings.Contains(un.stdout+un.stderr, "bennett") {
		t.Errorf("unobject output:\n%s%s", un.stdout, un.stderr)
	}
	var entries []struct {
		Action  string         `json:"action"`
		Details map[string]any `json:"details"`
	}
	out := mustPipeline(t, dir, "audit", "--subject-key", objKey, "--format", "json").stdout
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatalf("audit json: %v\n%s", err, out)
	}
	found := false
	for _, e := range entries {
		if e.Action == "unobject" && e.Details["evidence"] == evidence {
			found = true
		}
	}
	if !found {
		t.Errorf("no unobject audit entry with the evidence:\n%s", out)
	}
	suppRun(t, dir)
	if st := suppReadState(t, dir); !st.exported[objKey] {
		t.Errorf("after unobject the person is not back in the export")
	}
	// The unsubscribe, no longer in any file, is lifted by an explicit remove.
	rm = mustPipeline(t, dir, "suppress", "remove", "--email", restricted)
	if !strings.Contains(rm.stdout, "removed 1") {
		t.Errorf("suppress remove of a kept unsubscribe:\n%s", rm.stdout)
	}
}
