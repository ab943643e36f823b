package rights

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
)

// withdrawAudits are the subject's audit entries of action, with their
// details as text.
func withdrawAudits(t *testing.T, cfg *config.Config, key, action string) []string {
	t.Helper()
	c, closeFn := openFixture(t, cfg)
	defer closeFn()
	if err := audit.EnsureTable(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	entries, err := audit.List(context.Background(), c, key)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.Action == action {
			out = append(out, fmt.Sprint(e.Details))
		}
	}
	return out
}

// TestWithdraw: a restriction or objection takes the subject out of the
// current export files at once (read back from the Parquet files: their
// row gone, every other row kept) and out of prospects and deliverable,
// while their source rows stay; a sink that erases is asked, one that
// cannot is named; the recipients to notify are returned and audited.
func TestWithdraw(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, reason string
		crm          func(erased *int) connect.Connectors // nil: the file export only
		wantSinks    string                               // the sinks asked, export:rows
		wantNotSrch  string                               // the exports not searchable
	}{
		{name: "restriction", reason: "restriction"},
		{name: "objection with an erasing sink", reason: "objection",
			crm: func(n *int) connect.Connectors {
				return withCRM{sink: locatingSink{streamSink{locates: true, erased: n}}}
			},
			wantSinks: "crm_feed:1"},
		{name: "objection with a sink that cannot erase", reason: "objection",
			crm:         func(*int) connect.Connectors { return withCRM{sink: streamSink{}} },
			wantNotSrch: "crm_feed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := fixtureRun(t)
			var conns connect.Connectors
			erased := 0
			if tc.crm != nil {
				addCRMExport(cfg)
				conns = tc.crm(&erased)
			}
			before := countWarehouse(t, cfg)
			res, err := Withdraw(ctx, cfg, fxSubject(t), tc.reason, conns, zerolog.Nop())
			if err != nil {
				t.Fatal(err)
			}
			// the export, read as the recipient would, right after the call
			if total, subj := exportRows(t, acmeDir(cfg), fxKey, fxEmail); total != fxExportRows-1 || subj != 0 {
				t.Errorf("export after the %s: %d rows (want %d), %d of the subject (want 0)", tc.reason, total, fxExportRows-1, subj)
			}
			after := countWarehouse(t, cfg)
			want := before
			want.Prospects, want.Deliverable = 0, 0
			if after != want || after.Raw != 2 {
				t.Errorf("warehouse after the %s: %+v, want %+v (the raw rows kept)", tc.reason, after, want)
			}
			tables := map[string]int64{}
			for _, x := range res.Tables {
				tables[x.Table] = x.Rows
			}
			if !res.Held || res.Reason != tc.reason || res.SubjectKey != fxKey || len(tables) != 2 || tables["prospects"] != 1 || tables["deliverable"] != 1 {
				t.Errorf("result %+v", res)
			}
			if len(res.Files) != 1 || res.Files[0].Export != "acme_q1" || res.Files[0].Rows != 1 {
				t.Errorf("files %+v", res.Files)
			}
			if len(res.Notices) != 1 || res.Notices[0].Recipient != "Acme Payroll Ltd" || res.Notices[0].Export != "acme_q1" || res.Notices[0].First == "" {
				t.Errorf("recipients to notify %+v", res.Notices)
			}
			var sinks, notSrch []string
			for _, s := range res.Sinks {
				sinks = append(sinks, fmt.Sprintf("%s:%d", s.Export, s.Rows))
			}
			for _, n := range res.NotSearchable {
				notSrch = append(notSrch, n.Export)
			}
			if strings.Join(sinks, ",") != tc.wantSinks || strings.Join(notSrch, ",") != tc.wantNotSrch {
				t.Errorf("sinks asked %v, not searchable %v; want %q, %q", sinks, notSrch, tc.wantSinks, tc.wantNotSrch)
			}
			if tc.wantSinks != "" && erased != 1 {
				t.Errorf("the erasing sink was asked %d times, want 1", erased)
			}
			notes := withdrawAudits(t, cfg, fxKey, tc.reason+".notify")
			if len(notes) != 1 || res.Seq == 0 || !strings.Contains(notes[0], "Acme Payroll Ltd (acme_q1)") ||
				!strings.Contains(notes[0], "not_searchable:["+tc.wantNotSrch+"]") || strings.Contains(strings.ToLower(notes[0]), "dixon") {
				t.Errorf("audit %s.notify (seq %d): %v", tc.reason, res.Seq, notes)
			}
			var b strings.Builder
			res.Write(&b)
			out := b.String()
			for _, s := range []string{"table prospects: 1 rows out of processing", "export acme_q1 file ", "Recipients to notify of the " + tc.reason,
				"Acme Payroll Ltd — export acme_q1 (campaign acme-q1)"} {
				if !strings.Contains(out, s) {
					t.Errorf("the printed result lacks %q:\n%s", s, out)
				}
			}
			if (tc.wantSinks != "") != strings.Contains(out, "sink crm_feed: asked to erase") || (tc.wantNotSrch != "") != strings.Contains(out, NotSearchableNote) {
				t.Errorf("the printed result on the sinks:\n%s", out)
			}

			// again: nothing left to take out, the export unchanged
			again, err := Withdraw(ctx, cfg, fxSubject(t), tc.reason, conns, zerolog.Nop())
			if err != nil {
				t.Fatal(err)
			}
			if len(again.Files) != 0 || len(again.Tables) != 0 || !again.Held {
				t.Errorf("second %s: %+v", tc.reason, again)
			}
			if total, _ := exportRows(t, acmeDir(cfg), fxKey, fxEmail); total != fxExportRows-1 {
				t.Errorf("second %s: the export holds %d rows", tc.reason, total)
			}
		})
	}
}

// TestWithdrawHeldNowhere: a subject no dataset holds changes nothing,
// is not audited, and is told as held nowhere.
func TestWithdrawHeldNowhere(t *testing.T) {
	cfg := fixtureRun(t)
	nobody, err := NewSubject("nobody@nowhere-ltd.co.uk", "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Withdraw(context.Background(), cfg, nobody, "restriction", nil, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if res.Held || len(res.Files)+len(res.Notices)+len(res.Tables)+len(res.NotSearchable) != 0 || res.Seq != 0 {
		t.Errorf("result %+v", res)
	}
	if total, subj := exportRows(t, acmeDir(cfg), fxKey, fxEmail); total != fxExportRows || subj != 1 {
		t.Errorf("export: %d rows, %d of the fixtures' subject; want it untouched", total, subj)
	}
	if notes := withdrawAudits(t, cfg, nobody.Key, "restriction.notify"); len(notes) != 0 {
		t.Errorf("audited %v", notes)
	}
	var b strings.Builder
	res.Write(&b)
	if !strings.Contains(b.String(), "held nowhere") || !strings.Contains(b.String(), "the restriction is recorded") {
		t.Errorf("printed %q", b.String())
	}
}

// TestWithdrawResultWrite: the printed result for a subject held but
// never exported, and with a recipient sent the subject on several days.
func TestWithdrawResultWrite(t *testing.T) {
	for _, tc := range []struct {
		name string
		res  WithdrawResult
		want []string
	}{
		{"never exported", WithdrawResult{Reason: "objection", Held: true, Tables: []TableChange{{Table: "prospects", Rows: 2}}},
			[]string{"table prospects: 2 rows out of processing (the source rows are kept)", "none — the subject's data was never exported"}},
		{"sent over days", WithdrawResult{Reason: "restriction", Held: true,
			Notices: []Notice{{Recipient: "Acme", Export: "e", Campaign: "c", First: "2026-01-01", Last: "2026-02-01"}}},
			[]string{"Recipients to notify of the restriction (GDPR Art. 19):", "Acme — export e (campaign c), sent 2026-01-01 … 2026-02-01"}},
		{"held nowhere, an unsearchable sink", WithdrawResult{SubjectKey: "k", Reason: "objection",
			NotSearchable: []NotSearchable{{Export: "crm_feed", Connector: "crm", Recipient: "Acme", Note: NotSearchableNote}}},
			[]string{"held nowhere: no dataset, export or sink holds subject k (the objection is recorded", "export crm_feed (sink crm, recipient Acme, no contact recorded"}},
	} {
		var b strings.Builder
		tc.res.Write(&b)
		for _, w := range tc.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: the output lacks %q:\n%s", tc.name, w, b.String())
			}
		}
	}
}

// TestWithdrawFromFileTablesMarksScrub: in a warehouse of an earlier
// version prospects and deliverable are tables in the file until the next
// run, also after an erasure's compaction cleared scrub_pending. An
// objection deletes the subject's rows from them: their values stay in
// the file's free blocks, and the subject's later erasure, which then
// finds only their raw rows (in files), must still rewrite the file.
func TestWithdrawFromFileTablesMarksScrub(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureRun(t)
	c, closeFn := openFixture(t, cfg)
	for _, tbl := range []string{"prospects", "deliverable"} {
		for _, q := range []string{
			`CREATE TABLE ` + tbl + `_t AS SELECT * FROM ` + tbl,
			`DROP VIEW ` + tbl,
			`ALTER TABLE ` + tbl + `_t RENAME TO ` + tbl,
			`DELETE FROM raw_files WHERE table_name = '` + tbl + `'`,
		} {
			if _, err := c.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	if _, err := c.ExecContext(ctx, `DELETE FROM scrub_pending`); err != nil {
		t.Fatal(err)
	}
	closeFn()
	if _, err := Withdraw(ctx, cfg, fxSubject(t), "objection", nil, zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	res, err := Erase(ctx, cfg, fxSubject(t), EraseOptions{Now: func() time.Time { return eraseNow }})
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(res.Compaction, "not needed") {
		t.Errorf("the erasure did not rewrite the file: %q", res.Compaction)
	}
	assertNoSubjectBytes(t, cfg)
}
