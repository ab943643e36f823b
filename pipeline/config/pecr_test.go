package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestLIAB2B: an email campaign on legitimate interests needs lia.b2b:
// true, reported at the b2b value (or the lia key when b2b is missing).
func TestLIAB2B(t *testing.T) {
	tests := []struct {
		name, give, want string // want "" means valid
	}{
		{"b2b true", base, ""},
		{"b2b false", edit(t, "b2b: true}", "b2b: false}"), `f.yaml:14:127: campaign "c1": an email campaign on legitimate_interests needs lia.b2b: true`},
		{"b2b missing", edit(t, ", b2b: true}", "}"), `f.yaml:14:5: campaign "c1": an email campaign on legitimate_interests needs lia.b2b: true`},
		{"phone only", edit(t, "b2b: true}", "b2b: false}", "regions: [GB]", "regions: [GB]\n    channels: [phone]"), ""},
		{"email and phone", edit(t, "b2b: true}", "b2b: false}", "regions: [GB]", "regions: [GB]\n    channels: [phone, email]"), `needs lia.b2b: true`},
		{"consent", edit(t, "b2b: true}", "b2b: false}", "legitimate_interests", "consent", "  people: {role: people, connector: csv, retention: 12 months}\n", "  people: {role: people, connector: csv, retention: 12 months}\n  consents: {role: consent, connector: csv}\n"), ""},
		{"review_by not a date", edit(t, "b2b: true}", "b2b: true, review_by: soon}"), `f.yaml:14:144: campaign "c1": LIA review_by "soon" is not a date (want YYYY-MM-DD)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tt.give), noEnv)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("want valid, got %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// TestCheckLIADates: as of a given day, an LIA dated later is refused, and
// so is one whose review_by day has passed (the review day itself is ok).
func TestCheckLIADates(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(15 * time.Hour) // mid-afternoon: only the date counts
	}
	tests := []struct {
		name, reviewBy, now, want string
	}{
		{"assessed, no review date", "", "2026-03-01", ""},
		{"assessed today", "", "2026-01-02", ""},
		{"assessed in the future", "", "2026-01-01", `f.yaml:14:24: campaign "c1": LIA assessed_on 2026-01-02 is in the future (today is 2026-01-01)`},
		{"review day itself", "2026-06-30", "2026-06-30", ""},
		{"review passed", "2026-06-30", "2026-07-01", `f.yaml:14:144: campaign "c1": LIA expired on 2026-06-30 (review_by)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			give := base
			if tt.reviewBy != "" {
				give = edit(t, "b2b: true}", "b2b: true, review_by: "+tt.reviewBy+"}")
			}
			c, err := Parse("f.yaml", []byte(give), noEnv)
			if err != nil {
				t.Fatal(err)
			}
			ds := c.CheckLIADates(day(tt.now))
			switch {
			case tt.want == "" && len(ds) > 0:
				t.Errorf("want none, got %v", ds)
			case tt.want != "" && (len(ds) != 1 || !strings.HasPrefix(ds[0].Error(), tt.want)):
				t.Errorf("got %v, want %q", ds, tt.want)
			}
			if tt.reviewBy != "" && c.Campaigns["c1"].LIA.ReviewBy.Format(time.DateOnly) != tt.reviewBy {
				t.Errorf("ReviewBy = %v", c.Campaigns["c1"].LIA.ReviewBy)
			}
		})
	}
}

// TestRecipient: recipient is a name or {name, contact}; without a contact
// the config loads with a positioned warning.
func TestRecipient(t *testing.T) {
	tests := []struct {
		name, give, wantName, wantContact, wantWarn, wantErr string
	}{
		{"string", base, "R", "", `f.yaml:10:16: warning: campaign "c1": recipient "R" has no contact`, ""},
		{"mapping", edit(t, "recipient: R", "recipient: {name: R Ltd, contact: privacy@r.example}"), "R Ltd", "privacy@r.example", "", ""},
		{"mapping without contact", edit(t, "recipient: R", "recipient: {name: R Ltd}"), "R Ltd", "", `f.yaml:10:5: warning: campaign "c1": recipient "R Ltd" has no contact`, ""},
		{"empty contact", edit(t, "recipient: R", "recipient: {name: R Ltd, contact: \"\"}"), "R Ltd", "", `f.yaml:10:30: warning:`, ""},
		{"mapping without name", edit(t, "recipient: R", "recipient: {contact: x@r.example}"), "", "", "", `f.yaml:10:5: missing required key "name" in campaigns.c1.recipient`},
		{"unknown key", edit(t, "recipient: R", "recipient: {name: R, phone: 1}"), "", "", "", `unknown key "phone" in campaigns.c1.recipient (allowed: name, contact)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("f.yaml", []byte(tt.give), noEnv)
			if tt.wantErr != "" {
				var ds Diagnostics
				if !errors.As(err, &ds) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cp := c.Campaigns["c1"]
			if cp.Recipient != tt.wantName || cp.RecipientContact != tt.wantContact {
				t.Errorf("recipient %q contact %q", cp.Recipient, cp.RecipientContact)
			}
			switch {
			case tt.wantWarn == "" && len(c.Warnings) > 0:
				t.Errorf("warnings %v", c.Warnings)
			case tt.wantWarn != "" && (len(c.Warnings) != 1 || !strings.HasPrefix(c.Warnings[0].Error(), tt.wantWarn)):
				t.Errorf("warnings %v, want %q", c.Warnings, tt.wantWarn)
			}
		})
	}
}

// TestConsentNeedsRecords: a consent campaign needs a consent source.
func TestConsentNeedsRecords(t *testing.T) {
	noSource := edit(t, "lawful_basis: legitimate_interests", "lawful_basis: consent")
	if _, err := Parse("f.yaml", []byte(noSource), noEnv); err == nil || !strings.Contains(err.Error(), `f.yaml:12:19: campaign "c1": lawful_basis consent needs the consent records`) {
		t.Errorf("without a consent source: %v", err)
	}
	withSource := edit(t, "lawful_basis: legitimate_interests", "lawful_basis: consent",
		"  people: {role: people, connector: csv, retention: 12 months}\n", "  people: {role: people, connector: csv, retention: 12 months}\n  consents: {role: consent, connector: csv}\n")
	if _, err := Parse("f.yaml", []byte(withSource), noEnv); err != nil {
		t.Errorf("with a consent source: %v", err)
	}
}
