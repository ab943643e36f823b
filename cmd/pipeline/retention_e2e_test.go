package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sarSeen is the SAR's "seen" key (rights.Seen).
type sarSeen struct {
	Seen []struct {
		Source        string `json:"source"`
		FirstSeen     string `json:"first_seen"`
		LastSeen      string `json:"last_seen"`
		RetentionFrom string `json:"retention_from"`
		DeleteAfter   string `json:"delete_after"`
		Expired       string `json:"expired"`
	} `json:"seen"`
}

// TestRetentionExpires (issue 20 item 6): a subject first staged 13
// months ago (the warehouse's subject_seen aged, as if the first run had
// been then and every nightly run since had seen them) is, with 12 months'
// retention counted from first seen, purged from vendor_people by
// `pipeline purge` and not staged again by the next run although still in
// the vendor file (counted as expired); crm_people, retention_from:
// last_seen, keeps them while its file lists them. The SAR shows first
// seen and when each source's data is deleted.
func TestRetentionExpires(t *testing.T) {
	dir := workspace(t)
	editConfig(t, dir, "    options: {path: fixtures/people_crm.csv}\n", "    options: {path: fixtures/people_crm.csv}\n    retention_from: last_seen\n")
	mustPipeline(t, dir, "run")
	if n := rawCount(t, dir, "raw_vendor_people", sarEmail); n != 1 {
		t.Fatalf("raw_vendor_people after the first run: %d rows of the subject, want 1", n)
	}
	ageSeen(t, dir, 13)

	// pipeline purge: the vendor's rows of every subject go, the CRM's stay
	var purge struct {
		Sources []struct {
			Source          string `json:"source"`
			Rows            int64  `json:"rows"`
			ExpiredSubjects int64  `json:"expired_subjects"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(mustPipeline(t, dir, "purge", "--format", "json").stdout), &purge); err != nil {
		t.Fatal(err)
	}
	for _, s := range purge.Sources {
		switch s.Source {
		case "vendor_people":
			if s.Rows == 0 || s.ExpiredSubjects == 0 {
				t.Errorf("purge vendor_people: %+v, want its expired subjects' rows deleted", s)
			}
		case "crm_people":
			if s.Rows != 0 || s.ExpiredSubjects != 0 {
				t.Errorf("purge crm_people (last_seen): %+v, want nothing deleted", s)
			}
		}
	}
	if n := rawCount(t, dir, "raw_vendor_people", sarEmail); n != 0 {
		t.Errorf("raw_vendor_people after purge: %d rows of the expired subject", n)
	}
	if n := rawCount(t, dir, "raw_crm_people", "hdixon@"); n != 1 {
		t.Errorf("raw_crm_people after purge: %d rows of the subject, want 1 (last_seen: still listed)", n)
	}

	// the next run: still in the vendor file, not staged again; counted
	rep := suppRun(t, dir)
	if row := suppStageRow(rep, "stage", "vendor_people"); row.Expired == 0 {
		t.Errorf("stage vendor_people: %+v, want rows counted as expired", row)
	}
	if row := suppStageRow(rep, "stage", "crm_people"); row.Expired != 0 {
		t.Errorf("stage crm_people: %+v, want none expired", row)
	}
	if n := rawCount(t, dir, "raw_vendor_people", sarEmail); n != 0 {
		t.Errorf("raw_vendor_people after the next run: %d rows of the expired subject, want 0", n)
	}
	if n := rawCount(t, dir, "raw_crm_people", "hdixon@"); n != 1 {
		t.Errorf("raw_crm_people after the next run: %d rows, want 1", n)
	}
	table := mustPipeline(t, dir, "run").stdout
	if !strings.Contains(table, "stage/vendor_people:") || !strings.Contains(table, "expired (subjects past the source's retention") {
		t.Errorf("run summary does not count the expired rows:\n%s", table)
	}

	// the SAR: first seen, and when each source's data is deleted
	r := mustPipeline(t, dir, "sar", "--email", sarEmail, "--format", "json")
	var s sarSeen
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	bySource := map[string]int{}
	for i, x := range s.Seen {
		bySource[x.Source] = i
	}
	now := time.Now().UTC()
	parse := func(v string) time.Time {
		ts, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t.Fatalf("SAR time %q: %v", v, err)
		}
		return ts
	}
	if i, ok := bySource["vendor_people"]; !ok {
		t.Errorf("SAR seen lacks vendor_people: %+v", s.Seen)
	} else if v := s.Seen[i]; v.Expired == "" || parse(v.FirstSeen).After(now.AddDate(0, -12, 0)) ||
		!parse(v.DeleteAfter).Equal(parse(v.FirstSeen).AddDate(0, 12, 0)) {
		t.Errorf("SAR seen vendor_people: %+v, want first seen 13 months ago, deleted 12 months later, expired", v)
	}
	if i, ok := bySource["crm_people"]; !ok {
		t.Errorf("SAR seen lacks crm_people: %+v", s.Seen)
	} else if v := s.Seen[i]; v.Expired != "" || v.RetentionFrom != "last_seen" || parse(v.FirstSeen).After(now.AddDate(0, -12, 0)) ||
		!parse(v.DeleteAfter).Equal(parse(v.LastSeen).AddDate(0, 12, 0)) || !parse(v.DeleteAfter).After(now) {
		t.Errorf("SAR seen crm_people: %+v, want first seen 13 months ago, deleted 12 months after last seen", v)
	}
	text := mustPipeline(t, dir, "sar", "--email", sarEmail, "--format", "text").stdout
	html := mustPipeline(t, dir, "sar", "--email", sarEmail, "--format", "html").stdout
	for format, out := range map[string]string{"text": text, "html": html} {
		if !strings.Contains(out, "crm_people: first seen ") || !strings.Contains(out, "deleted after ") {
			t.Errorf("SAR %s does not show first seen and the deletion date:\n%s", format, out)
		}
	}
}

// TestRetentionRequired: a people source without retention is a config
// error naming the source and the key (exit 2), for validate and run.
func TestRetentionRequired(t *testing.T) {
	dir := workspace(t)
	editConfig(t, dir, "    options: {path: fixtures/people.csv}\n    retention: 12 months\n", "    options: {path: fixtures/people.csv}\n")
	for _, cmd := range []string{"validate", "run"} {
		r := pipeline(t, dir, cmd)
		if r.code != 2 || !strings.Contains(r.stderr, `source "vendor_people": missing required key "retention"`) || !strings.Contains(r.stderr, "pipeline.yaml:") {
			t.Errorf("%s without retention: exit %d\n%s", cmd, r.code, r.stderr)
		}
	}
}

// ageSeen moves every subject_seen first_seen back by months, in place in
// its Parquet files (warehouse/seenfiles.go), as if the first run had
// been then.
func ageSeen(t *testing.T, dir string, months int) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "state", "warehouse.duckdb.raw", "subject_seen", "*", "*", "*.parquet"))
	if err != nil || len(files) == 0 {
		t.Fatalf("subject_seen's files: %v %v", files, err)
	}
	db := suppWarehouse(t, dir)
	defer db.Close()
	for _, f := range files {
		if _, err := db.ExecContext(context.Background(), fmt.Sprintf(
			"COPY (SELECT * REPLACE (first_seen - INTERVAL %d MONTH AS first_seen) FROM read_parquet($1)) TO '%s.tmp' (FORMAT parquet)", months, f), f); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(f+".tmp", f); err != nil {
			t.Fatal(err)
		}
	}
}
