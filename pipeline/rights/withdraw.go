package rights

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
)

// WithdrawResult is what Withdraw took out of the current exports.
type WithdrawResult struct {
	SubjectKey string        `json:"subject_key"`
	Reason     string        `json:"reason"` // restriction | objection
	Held       bool          `json:"held"`   // false: nothing about the subject is held anywhere
	Tables     []TableChange `json:"tables"` // processing tables (prospects, deliverable) the subject left
	Files      []PlannedFile `json:"files"`
	Sinks      []SinkChange  `json:"sinks"`
	// NotSearchable are the exports whose sink could not take the subject
	// out: their recipients must.
	NotSearchable []NotSearchable `json:"not_searchable"`
	Notices       []Notice        `json:"notify"` // Art. 19: recipients to tell
	Seq           int64           `json:"audit_seq,omitempty"`
}

// Withdraw takes a restricted or objecting subject out of every current
// export at once, with erasure's machinery: each export file holding them
// is rewritten without them and swapped in atomically, its manifest
// updated, and every sink with the Erase capability asked to erase. The
// subject leaves the processing tables (prospects, deliverable) too; the
// source rows stay (a restriction stores, it does not delete). The recipients who received the subject (GDPR Art. 19 covers
// restriction) are returned and audited (action "<reason>.notify"). It is
// idempotent: running it again after a crash finishes the job. The caller
// holds the warehouse lock.
func Withdraw(ctx context.Context, cfg *config.Config, s Subject, reason string, conns connect.Connectors, log zerolog.Logger) (*WithdrawResult, error) {
	h, err := openAndFind(ctx, cfg, s, FindOptions{Log: log, Connectors: conns})
	if err != nil {
		return nil, err
	}
	defer h.Close()
	c, f := h.c, h.f
	res := &WithdrawResult{SubjectKey: s.Key, Reason: reason, Sinks: []SinkChange{}}
	res.Held = f.Rows() > 0 || len(f.Lineage) > 0 || len(f.Sinks) > 0
	j := &Journal{SubjectKey: s.Key, Counts: map[string]int64{}}
	j.Files, j.Notices = planFiles(cfg, f), notices(cfg, f)
	res.Files, res.Notices = j.Files, j.Notices
	if err := rewriteExports(ctx, c, j, s.Key); err != nil {
		return nil, fmt.Errorf("%s: exports: %w", reason, err)
	}
	if res.NotSearchable, err = eraseSinks(ctx, cfg, conns, j, s.Key); err != nil {
		return nil, fmt.Errorf("%s: sinks: %w", reason, err)
	}
	// stored, not processed: out of the processing tables now (the raw
	// rows stay); later runs withhold them (sql/enrich_withhold.sql)
	res.Tables = []TableChange{}
	for _, t := range f.Tables {
		if t.Table != "prospects" && t.Table != "deliverable" {
			continue
		}
		n, err := removeRows(ctx, c, f, t)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", reason, t.Table, err)
		}
		res.Tables = append(res.Tables, TableChange{Dataset: t.Dataset, Table: t.Table, Rows: n})
	}
	for k, v := range j.Counts {
		if name, ok := strings.CutPrefix(k, "sink:"); ok {
			res.Sinks = append(res.Sinks, SinkChange{Export: name, Rows: v})
		}
	}
	if len(res.Files)+len(res.Notices)+len(res.NotSearchable) == 0 && j.Counts["export_rows"] == 0 {
		return res, nil
	}
	recipients := []string{}
	for _, n := range res.Notices {
		recipients = append(recipients, n.Recipient+" ("+n.Export+")")
	}
	a, err := audit.Append(ctx, c, audit.Entry{At: time.Now().UTC(), Actor: audit.Actor(), Action: reason + ".notify", SubjectKey: s.Key,
		Details: map[string]any{"files": len(res.Files), "export_rows": j.Counts["export_rows"], "notify": recipients, "not_searchable": notSearchableNames(res.NotSearchable)}})
	if err != nil {
		return nil, err
	}
	res.Seq = a.Seq
	return res, nil
}

// Write prints what Withdraw did, and the recipients to notify.
func (r *WithdrawResult) Write(w io.Writer) {
	if !r.Held {
		fmt.Fprintf(w, "  held nowhere: no dataset, export or sink holds subject %s (the %s is recorded and applies if they ever arrive)\n", r.SubjectKey, r.Reason)
		writeNotSearchable(w, r.NotSearchable)
		return
	}
	for _, t := range r.Tables {
		fmt.Fprintf(w, "  table %s: %d rows out of processing (the source rows are kept)\n", t.Table, t.Rows)
	}
	for _, f := range r.Files {
		fmt.Fprintf(w, "  export %s file %s: rewritten without the subject (%d rows)\n", f.Export, f.File, f.Rows)
	}
	for _, s := range r.Sinks {
		fmt.Fprintf(w, "  sink %s: asked to erase the subject (%d rows)\n", s.Export, s.Rows)
	}
	writeNotSearchable(w, r.NotSearchable)
	if len(r.Notices) == 0 {
		fmt.Fprintln(w, "Recipients to notify (GDPR Art. 19): none — the subject's data was never exported")
		return
	}
	fmt.Fprintf(w, "Recipients to notify of the %s (GDPR Art. 19):\n", r.Reason)
	for _, n := range r.Notices {
		fmt.Fprintf(w, "  %s — export %s (campaign %s), sent %s", n.Recipient, n.Export, n.Campaign, n.First)
		if n.Last != n.First {
			fmt.Fprintf(w, " … %s", n.Last)
		}
		fmt.Fprintln(w)
	}
}
