package flow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"
	"time"
)

// TestConsentRecords runs export_consent.sql: per subject and channel the
// latest consent counts unless withdrawn on or after it; a campaign with
// two channels needs both; future dates do not count yet.
func TestConsentRecords(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		email, givenAt, channel, withdrawnAt string
	}{
		{"given@x.co.uk", "2026-09-01", "email", ""},
		{"withdrawn@x.co.uk", "2026-09-01", "email", "2026-10-01"},
		{"again@x.co.uk", "2026-09-01", "email", "2026-10-01"},
		{"again@x.co.uk", "2026-11-01", "email", ""}, // consented again after withdrawing
		{"future@x.co.uk", "2027-01-01", "email", ""},
		{"withdraws-later@x.co.uk", "2026-09-01", "email", "2027-01-01"}, // not yet withdrawn
		{"undated@x.co.uk", "", "email", ""},
		{"  Mixed@X.co.uk ", "2026-09-01", "EMAIL", ""},
		{"both@x.co.uk", "2026-09-01", "email", ""},
		{"both@x.co.uk", "2026-09-01", "phone", ""},
		{"phone-only@x.co.uk", "2026-09-01", "phone", ""},
	}
	ctx := context.Background()
	c := memConn(t, 1)
	for _, q := range []string{
		"CREATE TEMP TABLE cons (email VARCHAR, given_at VARCHAR, wording VARCHAR, channel VARCHAR, withdrawn_at VARCHAR)",
		"CREATE TEMP TABLE campaign_channels (campaign VARCHAR, channel VARCHAR)",
		"INSERT INTO campaign_channels VALUES ('mail', 'email'), ('multi', 'email'), ('multi', 'phone')",
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range tests {
		if _, err := c.ExecContext(ctx, "INSERT INTO cons VALUES ($1, $2, 'v1', $3, $4)", tt.email, tt.givenAt, tt.channel, tt.withdrawnAt); err != nil {
			t.Fatal(err)
		}
	}
	if err := execScript(ctx, c, "export_consent", map[string]any{"Sources": []unionSource{{Table: "cons", From: "cons"}}}, params{"now": now}); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	rows, err := c.QueryContext(ctx, "SELECT campaign, subject_key FROM campaign_consent ORDER BY ALL")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var camp, key string
		if err := rows.Scan(&camp, &key); err != nil {
			t.Fatal(err)
		}
		got[camp] = append(got[camp], key)
	}
	k := func(e string) string { h := sha256.Sum256([]byte(e)); return hex.EncodeToString(h[:]) }
	want := map[string][]string{
		"mail":  {k("given@x.co.uk"), k("again@x.co.uk"), k("withdraws-later@x.co.uk"), k("mixed@x.co.uk"), k("both@x.co.uk")},
		"multi": {k("both@x.co.uk")},
	}
	for camp, keys := range want {
		slices.Sort(keys)
		if !slices.Equal(got[camp], keys) {
			t.Errorf("campaign %s: %d subjects %v, want %d %v", camp, len(got[camp]), got[camp], len(keys), keys)
		}
	}
}
