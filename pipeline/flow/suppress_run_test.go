package flow

import (
	"context"
	"testing"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/engine"
)

// TestSuppressionInRun checks the screen of a run over the fixtures in
// deliverable, rule by rule: nobody on an email list (unsubscribes,
// hashed objections) or at a blocked domain is left, and someone whose
// phone is on the CTPS list stays with the phone removed. Each rule has
// prospects to act on, so a rule that does nothing fails.
func TestSuppressionInRun(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureConfig(t)
	if rep, err := (&Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop()}).Run(ctx, Options{}); err != nil || rep.Status != "succeeded" {
		t.Fatalf("run: %v", err)
	}
	db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		what              string
		prospects, wanted string // counts in prospects (> 0) and in deliverable (want 0)
	}{
		{"on an email list",
			`SELECT count(*) FROM prospects p JOIN suppression s ON s.kind = 'email' AND s.hash = p.subject_key`,
			`SELECT count(*) FROM deliverable p JOIN suppression s ON s.kind = 'email' AND s.hash = p.subject_key`},
		{"at a blocked company domain",
			`SELECT count(*) FROM prospects p JOIN suppression s ON s.kind = 'domain' AND s.value = p.company_domain`,
			`SELECT count(*) FROM deliverable p JOIN suppression s ON s.kind = 'domain' AND s.value = p.company_domain`},
		{"with a CTPS-listed phone still in deliverable",
			`SELECT count(*) FROM prospects p JOIN suppression s ON s.kind = 'phone' AND s.hash = sha256(p.phone)`,
			`SELECT count(*) FROM deliverable p JOIN suppression s ON s.kind = 'phone' AND s.hash = sha256(p.phone)`},
	} {
		var inProspects, inDeliverable int
		if err := db.QueryRowContext(ctx, tc.prospects).Scan(&inProspects); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, tc.wanted).Scan(&inDeliverable); err != nil {
			t.Fatal(err)
		}
		if inProspects == 0 || inDeliverable != 0 {
			t.Errorf("people %s: %d in prospects (want some), %d in deliverable (want 0)", tc.what, inProspects, inDeliverable)
		}
	}
	// the CTPS rule removes the phone only: the person stays
	var kept int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM deliverable d JOIN prospects p USING (subject_key)
		JOIN suppression s ON s.kind = 'phone' AND s.hash = sha256(p.phone) WHERE d.phone IS NULL`).Scan(&kept); err != nil {
		t.Fatal(err)
	}
	if kept == 0 {
		t.Error("nobody with a CTPS-listed phone is left in deliverable: the phone rule removed the person, not the phone")
	}
}
