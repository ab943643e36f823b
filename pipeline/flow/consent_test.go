package flow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/engine"
)

// TestConsentRecords stages consent records (stage_consent.sql: hashed,
// nothing else of the file kept, erased subjects refused) and runs
// export_consent.sql over them: per subject and channel the
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
		"CREATE TEMP TABLE cons (email VARCHAR, given_at VARCHAR, wording VARCHAR, channel VARCHAR, withdrawn_at VARCHAR, notes VARCHAR)",
		"CREATE TEMP TABLE suppression (kind VARCHAR, hash VARCHAR, reason VARCHAR)",
		"CREATE TEMP TABLE campaign_channels (campaign VARCHAR, channel VARCHAR)",
		"INSERT INTO campaign_channels VALUES ('mail', 'email'), ('multi', 'email'), ('multi', 'phone')",
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	tests = append(tests, struct{ email, givenAt, channel, withdrawnAt string }{"erased@x.co.uk", "2026-09-01", "email", ""},
		struct{ email, givenAt, channel, withdrawnAt string }{"not an email", "2026-09-01", "email", ""})
	for _, tt := range tests {
		if _, err := c.ExecContext(ctx, "INSERT INTO cons VALUES ($1, $2, 'v1', $3, $4, 'a note')", tt.email, tt.givenAt, tt.channel, tt.withdrawnAt); err != nil {
			t.Fatal(err)
		}
	}
	k := func(e string) string { h := sha256.Sum256([]byte(e)); return hex.EncodeToString(h[:]) }
	if _, err := c.ExecContext(ctx, "INSERT INTO suppression VALUES ('email', $1, 'erasure')", k("erased@x.co.uk")); err != nil {
		t.Fatal(err)
	}
	// stage_consent.sql: hashed, the email and the other columns dropped
	file := filepath.Join(t.TempDir(), "consent.parquet")
	keep := []column{{Src: "channel", Dst: "channel"}, {Src: "given_at", Dst: "given_at"}, {Src: "wording", Dst: "wording"}, {Src: "withdrawn_at", Dst: "withdrawn_at"}}
	data := map[string]any{"Scan": engine.Scan{Table: "cons"}, "Email": "email", "Keep": keep, "Compression": "zstd"}
	if err := execScript(ctx, c, "stage_consent", data, params{"source": "consents", "run_id": "r1", "now": now, "dir": file}); err != nil {
		t.Fatal(err)
	}
	var unusable, erased int64
	if err := queryRow(ctx, c, "stage_consent_counts", nil, &unusable, &erased); err != nil {
		t.Fatal(err)
	}
	if unusable != 1 || erased != 1 {
		t.Errorf("unusable %d erased %d, want 1 and 1", unusable, erased)
	}
	if _, err := c.ExecContext(ctx, "CREATE TEMP TABLE staged AS SELECT * FROM read_parquet($1)", file); err != nil {
		t.Fatal(err)
	}
	cols, err := columns(ctx, c, engine.Scan{Table: "staged"})
	if err != nil {
		t.Fatal(err)
	}
	if want := append(slices.Clone(ConsentStored), "_source", "_run_id", "_loaded_at"); !slices.Equal(cols, want) {
		t.Errorf("staged columns %v, want %v", cols, want)
	}
	if n, err := count(ctx, c, "SELECT count(*) FROM staged WHERE subject_key = $1", k("erased@x.co.uk")); err != nil || n != 0 {
		t.Errorf("an erased subject's consent was kept: %d %v", n, err)
	}
	if err := execScript(ctx, c, "export_consent", map[string]any{"Sources": []unionSource{{Table: "staged"}}}, params{"now": now}); err != nil {
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
