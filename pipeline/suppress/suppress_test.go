package suppress_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/normalize"
	"github.com/example/pipeline/pipeline/suppress"
	"github.com/example/pipeline/pipeline/warehouse"
)

var now = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func newStore(t testing.TB) *suppress.Store {
	t.Helper()
	ctx := context.Background()
	db, err := engine.Open(ctx, engine.Settings{Path: filepath.Join(t.TempDir(), "w.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := warehouse.EnsureSchema(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := audit.EnsureTable(ctx, db); err != nil {
		t.Fatal(err)
	}
	return &suppress.Store{DB: db, Actor: "dpo@test", Now: func() time.Time { return now }}
}

// scrubPending is the store's warehouse's scrub_pending reasons.
func scrubPending(t testing.TB, s *suppress.Store) []string {
	t.Helper()
	ctx := context.Background()
	c, err := s.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	why, err := warehouse.ScrubPending(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	return why
}

func mustValue(t testing.TB, k suppress.Kind, raw string) suppress.Value {
	t.Helper()
	v, err := suppress.Normalize(k, raw, "")
	if err != nil {
		t.Fatalf("Normalize(%s): %v", k, err)
	}
	return v
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		kind      suppress.Kind
		give      string
		country   string
		wantNorm  string // the normalised value whose hash we expect
		wantError bool
	}{
		{suppress.Email, "  R.Fairclough@Solent-Marine.co.uk ", "", "r.fairclough@solent-marine.co.uk", false},
		{suppress.Email, "mailto:Jane@Example.COM", "", "jane@example.com", false},
		{suppress.Email, "not an email", "", "", true},
		{suppress.Domain, "https://www.Marlowe-Insurance.co.uk/", "", "marlowe-insurance.co.uk", false},
		{suppress.Domain, "bücher.de", "", "xn--bcher-kva.de", false},
		{suppress.Phone, "020 7946 0311", "", "+442079460311", false},
		{suppress.Phone, "+44 (0)20 7946 0311", "", "+442079460311", false},
		{suppress.Phone, "01 555 0999", "IE", "+35315550999", false},
		{suppress.Phone, "n/a", "", "", true},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind)+" "+tt.give, func(t *testing.T) {
			v, err := suppress.Normalize(tt.kind, tt.give, tt.country)
			if tt.wantError {
				if !errors.Is(err, suppress.ErrUsage) {
					t.Fatalf("err = %v, want ErrUsage", err)
				}
				if strings.Contains(err.Error(), tt.give) {
					t.Errorf("error repeats the raw value: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Hash != normalize.Hash(tt.wantNorm) {
				t.Errorf("hash of %q, want hash of %q", tt.give, tt.wantNorm)
			}
		})
	}
}

func TestAddCheckListRemove(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	email := mustValue(t, suppress.Email, "Jane.Doe@Acme-Widgets.co.uk")
	res, err := s.Add(ctx, suppress.AddRequest{Value: email, Reason: "unsubscribe"})
	if err != nil || !res.Added || res.Scope != "person" || res.Seq != 1 {
		t.Fatalf("Add = %+v, %v", res, err)
	}
	again, err := s.Add(ctx, suppress.AddRequest{Value: email, Reason: "unsubscribe"})
	if err != nil || again.Added {
		t.Fatalf("second Add = %+v, %v", again, err)
	}
	dom := mustValue(t, suppress.Domain, "WWW.acme-widgets.co.uk")
	if _, err := s.Add(ctx, suppress.AddRequest{Value: dom, Reason: "client_dnc"}); err != nil {
		t.Fatal(err)
	}
	phone := mustValue(t, suppress.Phone, "020 7946 0999")
	if _, err := s.Add(ctx, suppress.AddRequest{Value: phone, Reason: "ctps"}); err != nil {
		t.Fatal(err)
	}

	d, err := s.Check(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Suppressed || d.Scope != "person" || len(d.Matches) != 2 || d.Since == nil || !d.Since.Equal(now) {
		t.Fatalf("Check(email) = %+v", d)
	}
	pd, _ := s.Check(ctx, mustValue(t, suppress.Phone, "+44 20 7946 0999"))
	if !pd.Suppressed || pd.Scope != "phone" {
		t.Fatalf("Check(phone) = %+v", pd)
	}
	nd, _ := s.Check(ctx, mustValue(t, suppress.Email, "someone@else.example"))
	if nd.Suppressed || len(nd.Matches) != 0 {
		t.Fatalf("Check(other) = %+v", nd)
	}

	all, err := s.List(ctx, suppress.ListFilter{})
	if err != nil || len(all) != 3 {
		t.Fatalf("List = %d %v", len(all), err)
	}
	for _, e := range all {
		if e.AddedBy != "dpo@test" || e.Source != suppress.SourceManual {
			t.Errorf("entry %+v", e)
		}
		if e.Kind != suppress.Domain && e.Domain != "" {
			t.Errorf("a %s entry shows a value", e.Kind)
		}
	}
	only, _ := s.List(ctx, suppress.ListFilter{Reason: "ctps"})
	if len(only) != 1 || only[0].Kind != suppress.Phone {
		t.Fatalf("List(ctps) = %+v", only)
	}

	if why := scrubPending(t, s); len(why) != 0 {
		t.Fatalf("scrub_pending before Remove: %q", why)
	}
	rm, err := s.Remove(ctx, suppress.RemoveRequest{Value: email})
	if err != nil || rm.Removed != 1 {
		t.Fatalf("Remove = %+v %v", rm, err)
	}
	// a removed entry's note stays in the warehouse file's free blocks
	if why := scrubPending(t, s); len(why) != 1 || why[0] != warehouse.ScrubSuppressionDeleted {
		t.Errorf("scrub_pending after Remove: %q", why)
	}
	entries, err := audit.List(ctx, s.DB, email.Hash)
	if err != nil || len(entries) != 2 || entries[0].Action != suppress.ActionAdd || entries[1].Action != suppress.ActionRemove {
		t.Fatalf("audit for subject = %+v %v", entries, err)
	}
	if n, err := audit.Verify(ctx, s.DB); err != nil || n != 4 {
		t.Fatalf("Verify = %d %v", n, err)
	}
}

func TestRemoveKeepsTombstonesAndSyncedEntries(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	email := mustValue(t, suppress.Email, "erased@acme-widgets.co.uk")
	for _, q := range []string{
		`INSERT INTO suppression VALUES ('email', $1, NULL, 'erasure', 'erasure', now(), 'dpo', NULL, NULL)`,
		`INSERT INTO suppression VALUES ('email', $1, NULL, 'client_dnc', 'unsubscribes', now(), 'sync', NULL, NULL)`, // a mirrored list
	} {
		if _, err := s.DB.ExecContext(ctx, q, email.Hash); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.Remove(ctx, suppress.RemoveRequest{Value: email})
	if !errors.Is(err, suppress.ErrTombstone) {
		t.Fatalf("Remove = %v, want ErrTombstone", err)
	}
	if _, err := s.Remove(ctx, suppress.RemoveRequest{Value: email, Reason: "erasure"}); !errors.Is(err, suppress.ErrTombstone) {
		t.Fatalf("Remove(reason erasure) = %v", err)
	}
	if _, err := s.Add(ctx, suppress.AddRequest{Value: email, Reason: "complaint"}); err != nil {
		t.Fatal(err)
	}
	rm, err := s.Remove(ctx, suppress.RemoveRequest{Value: email})
	if err != nil || rm.Removed != 1 || rm.Tombstones != 1 || len(rm.Synced) != 1 || rm.Synced[0] != "unsubscribes" {
		t.Fatalf("Remove = %+v %v", rm, err)
	}
	d, _ := s.Check(ctx, email)
	if !d.Tombstoned || len(d.Matches) != 2 {
		t.Fatalf("Check after remove = %+v", d)
	}
}

func TestRestrictUnrestrictObject(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	email := mustValue(t, suppress.Email, "dispute@acme-widgets.co.uk")
	if _, err := s.Restrict(ctx, email, "ticket 123"); err != nil {
		t.Fatal(err)
	}
	d, _ := s.Check(ctx, email)
	if !d.Restricted || d.Scope != "person" {
		t.Fatalf("after restrict: %+v", d)
	}
	if _, err := s.Object(ctx, email, ""); err != nil {
		t.Fatal(err)
	}
	rm, err := s.Unrestrict(ctx, email)
	if err != nil || rm.Removed != 1 {
		t.Fatalf("Unrestrict = %+v %v", rm, err)
	}
	d, _ = s.Check(ctx, email)
	if d.Restricted || !d.Suppressed || len(d.Matches) != 1 || d.Matches[0].Reason != suppress.ReasonObjection {
		t.Fatalf("after unrestrict: %+v", d)
	}
	es, _ := audit.List(ctx, s.DB, email.Hash)
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); got != "restrict,object,unrestrict" {
		t.Errorf("audit actions = %s", got)
	}
}

func TestExpiry(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	email := mustValue(t, suppress.Email, "temp@acme-widgets.co.uk")
	exp, err := suppress.ParseExpiry("2026-12-01", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(ctx, suppress.AddRequest{Value: email, Reason: "complaint", Expires: exp}); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.Check(ctx, email); !d.Suppressed {
		t.Fatalf("before expiry: %+v", d)
	}
	s.Now = func() time.Time { return now.AddDate(0, 2, 0) }
	if d, _ := s.Check(ctx, email); d.Suppressed || len(d.Matches) != 1 || d.Matches[0].Active {
		t.Fatalf("after expiry: %+v", d)
	}
	if _, err := suppress.ParseExpiry("2020-01-01", now); !errors.Is(err, suppress.ErrUsage) {
		t.Errorf("past expiry accepted: %v", err)
	}
}

func TestCheckNote(t *testing.T) {
	tests := []struct {
		note, raw string
		ok        bool
	}{
		{"asked by phone, ticket 4471", "a@b.co", true},
		{"", "a@b.co", true},
		{"from jane@acme.co.uk", "x@y.co", false},
		{"re A@B.CO", "a@b.co", false},
		{"call back on 020 7946 0311", "x@y.co", false},
	}
	for _, tt := range tests {
		if err := suppress.CheckNote(tt.note, tt.raw); (err == nil) != tt.ok {
			t.Errorf("CheckNote(%q) = %v", tt.note, err)
		}
	}
}

// TestImportMatchesGo checks that the SQL path (read_csv + pl_* + sha256)
// and the Go path (Normalize) give the same hashes, and that a hashed and a
// raw list of the same people give the same store.
func TestImportMatchesGo(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	dir := t.TempDir()
	raw := []string{" R.Fairclough@Solent-Marine.co.uk ", "mailto:Jane@Example.COM", "JANE@example.com", "not-an-email"}
	var hashed []string
	for _, r := range raw[:3] {
		hashed = append(hashed, mustValue(t, suppress.Email, r).Hash)
	}
	write := func(name, header string, rows []string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(header+"\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	quoted := make([]string, len(raw))
	for i, r := range raw {
		quoted[i] = `"` + r + `"`
	}
	res, err := s.Import(ctx, suppress.ImportRequest{Path: write("raw.csv", "email", quoted), Kind: suppress.Email, Reason: "unsubscribe"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 4 || res.Unusable != 1 || res.Added != 2 || res.Source != "import:raw" {
		t.Fatalf("Import raw = %+v", res)
	}
	res2, err := s.Import(ctx, suppress.ImportRequest{Path: write("hashed.csv", "sha256", append(hashed, "zz")), Kind: suppress.Email, Reason: "unsubscribe"})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Rows != 4 || res2.Unusable != 1 || res2.Added != 2 {
		t.Fatalf("Import hashed = %+v", res2)
	}
	got := map[string][]string{}
	for _, src := range []string{"import:raw", "import:hashed"} {
		es, err := s.List(ctx, suppress.ListFilter{Source: src})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			got[src] = append(got[src], e.Hash)
		}
	}
	if fmt.Sprint(got["import:raw"]) != fmt.Sprint(got["import:hashed"]) || len(got["import:raw"]) != 2 {
		t.Fatalf("raw list %v != hashed list %v", got["import:raw"], got["import:hashed"])
	}
	// Re-importing adds nothing.
	again, err := s.Import(ctx, suppress.ImportRequest{Path: filepath.Join(dir, "raw.csv"), Kind: suppress.Email, Reason: "unsubscribe"})
	if err != nil || again.Added != 0 {
		t.Fatalf("re-import = %+v %v", again, err)
	}
	// Phones: national and international forms of one number.
	pres, err := s.Import(ctx, suppress.ImportRequest{Path: write("ctps.csv", "phone", []string{"020 7946 0311", "+44 20 7946 0311", "0113 496 0587"}), Kind: suppress.Phone, Reason: "ctps"})
	if err != nil || pres.Added != 2 {
		t.Fatalf("Import phones = %+v %v", pres, err)
	}
	if d, _ := s.Check(ctx, mustValue(t, suppress.Phone, "+44 (0)20 7946 0311")); !d.Suppressed || d.Scope != "phone" {
		t.Fatalf("Check phone = %+v", d)
	}
	// A domain list needs the value column.
	if _, err := s.Import(ctx, suppress.ImportRequest{Path: filepath.Join(dir, "hashed.csv"), Kind: suppress.Domain, Reason: "client_dnc"}); !errors.Is(err, suppress.ErrUsage) {
		t.Fatalf("domain import from sha256 = %v", err)
	}
	if n, err := audit.Verify(ctx, s.DB); err != nil || n != 4 {
		t.Fatalf("Verify = %d %v", n, err)
	}
	// No raw value anywhere in the store.
	var leaks int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM suppression WHERE contains(coalesce(value, '') || hash || coalesce(note, ''), '@')`).Scan(&leaks); err != nil || leaks != 0 {
		t.Fatalf("raw values stored: %d %v", leaks, err)
	}
}

// TestImportOrdersLargeLists: a list that fills more than one row group
// is stored in hash order (engine.SortForLookups), so that a lookup by
// hash skips row groups by their min/max; the entries given in random
// order come out sorted by rowid.
func TestImportOrdersLargeLists(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	n := engine.RowGroupRows + 20000
	var b strings.Builder
	b.WriteString("sha256\n")
	for i := range n {
		// a permutation of 0..n-1 (7919 is prime and does not divide n), hashed
		b.WriteString(normalize.Hash(fmt.Sprint((i * 7919) % n)))
		b.WriteByte('\n')
	}
	p := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := s.Import(ctx, suppress.ImportRequest{Path: p, Kind: suppress.Email, Reason: "unsubscribe"})
	if err != nil || res.Added != int64(n) {
		t.Fatalf("Import = %+v, %v", res, err)
	}
	var outOfOrder int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM (
		SELECT hash < lag(hash) OVER (ORDER BY rowid) AS down FROM suppression WHERE source = 'import:big') WHERE down`).Scan(&outOfOrder); err != nil {
		t.Fatal(err)
	}
	if outOfOrder != 0 {
		t.Errorf("%d entries of a %d-entry import stored out of hash order", outOfOrder, n)
	}
}
