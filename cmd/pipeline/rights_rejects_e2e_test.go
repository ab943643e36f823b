package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRejectsArePersonalData (issue 20 item 7): a malformed line holding a
// subject's email is classified as personal data by its content (catalog
// and Art. 30 record), kept only for limits.rejects_retention (purge
// removes older ones even where the source keeps its rows longer), found
// by SAR and removed by erase.
func TestRejectsArePersonalData(t *testing.T) {
	dir := workspace(t)
	people := filepath.Join(dir, "fixtures", "people.csv")
	f, err := os.OpenFile(people, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// an unclosed quote: the line is rejected whole, email included
	if _, err := f.WriteString("Harriet,Dixon," + sarEmail + ",\"Head of Finance,brightwater-logistics.co.uk\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	editConfig(t, dir, "limits: {max_reject_rate: 0.05}", "limits: {max_reject_rate: 0.05, rejects_retention: 10 days}")
	mustPipeline(t, dir, "run")
	if n := rawCount(t, dir, "rejects", sarEmail); n != 1 {
		t.Fatalf("rejects holding the subject's email after the run: %d, want 1", n)
	}

	// classified from its content: personal, in the catalog and the record
	var cat struct{ Columns []catalogColumn }
	if err := json.Unmarshal([]byte(mustPipeline(t, dir, "catalog", "--format", "json").stdout), &cat); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cat.Columns {
		if c.Dataset == "rejects" && c.Column == "raw_line" {
			found = true
			if !c.Personal || c.Method != "values" {
				t.Errorf("catalog rejects.raw_line: %+v, want personal by its values", c)
			}
		}
	}
	if !found {
		t.Fatal("catalog has no rejects.raw_line")
	}
	md := mustPipeline(t, dir, "catalog", "--format", "markdown").stdout
	i := strings.Index(md, "### rejects")
	if i < 0 {
		t.Fatalf("record of processing has no rejects section:\n%s", md)
	}
	sec := md[i:]
	if j := strings.Index(sec[1:], "\n### "); j > 0 {
		sec = sec[:j]
	}
	if !strings.Contains(sec, "personal data: true") || !strings.Contains(sec, "10 days (limits.rejects_retention)") {
		t.Errorf("record of processing, rejects section:\n%s", sec)
	}

	// found by SAR
	hasRejects := func(s sarJSON) int {
		n := 0
		for _, f := range s.Found {
			if f.Dataset == "rejects" {
				n += len(f.Rows)
			}
		}
		return n
	}
	if n := hasRejects(sar(t, dir)); n != 1 {
		t.Errorf("SAR lists %d rejected lines, want 1", n)
	}

	// kept only for rejects_retention: age the other reject (people.csv
	// line 11) past 10 days; vendor_people keeps its rows 12 months
	db := suppWarehouse(t, dir)
	if _, err := db.ExecContext(context.Background(),
		"UPDATE rejects SET rejected_at = rejected_at - INTERVAL 11 DAY WHERE NOT contains(raw_line, 'hdixon')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	mustPipeline(t, dir, "purge")
	db = suppWarehouse(t, dir)
	var left, old int
	if err := db.QueryRowContext(context.Background(),
		"SELECT count(*), count(*) FILTER (WHERE NOT contains(raw_line, 'hdixon')) FROM rejects").Scan(&left, &old); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if old != 0 || left != 1 {
		t.Errorf("after purge: %d rejects left, %d of them older than rejects_retention; want 1 and 0", left, old)
	}

	// removed by erase
	mustPipeline(t, dir, "erase", "--email", sarEmail, "--yes")
	if n := rawCount(t, dir, "rejects", sarEmail); n != 0 {
		t.Errorf("rejects still hold the erased email: %d lines", n)
	}
	if n := hasRejects(sar(t, dir)); n != 0 {
		t.Errorf("SAR after erase lists %d rejected lines", n)
	}
}
