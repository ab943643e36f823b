package rights

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
)

// EraseOptions tune Erase.
type EraseOptions struct {
	DryRun     bool               // find and report what would change; change nothing
	Deep       bool               // also scan every export file, not only those in the lineage index
	Connectors connect.Connectors // opens the export sinks: those with the Erase capability are asked (nil: the built-ins in process)
	Now        func() time.Time
	Log        zerolog.Logger
	// AfterStep, when set, is called after each step is recorded in the
	// journal (tests use it to crash the process at every step).
	AfterStep func(step string)
	// DeferCompact stops the job before its last step, the warehouse
	// rewrite: a batch of erasures rewrites the file once (Compact), then
	// FinishCompacted closes each job. The journal stays open meanwhile,
	// so a crash is completed by re-running the batch.
	DeferCompact bool
}

// TableChange is rows deleted (or to delete) in one warehouse table.
type TableChange struct {
	Dataset string `json:"dataset"`
	Table   string `json:"table"`
	Rows    int64  `json:"rows"`
}

// SinkChange is one sink asked to erase.
type SinkChange struct {
	Export    string `json:"export"`
	Connector string `json:"connector"`
	Rows      int64  `json:"rows"`
}

// EraseResult is what an erasure changed, or with DryRun would change.
type EraseResult struct {
	SubjectKey string        `json:"subject_key"`
	JobID      string        `json:"job_id,omitempty"`
	DryRun     bool          `json:"dry_run"`
	Resumed    bool          `json:"resumed"`
	Tables     []TableChange `json:"tables"`
	Rejects    int64         `json:"rejects"`
	Lineage    int64         `json:"lineage"`
	Files      []PlannedFile `json:"files"`
	Sinks      []SinkChange  `json:"sinks"`
	// NotSearchable are the exports whose sink can neither be rewritten
	// by the host nor erase: their recipients must erase the subject.
	NotSearchable []NotSearchable `json:"not_searchable"`
	Tombstone     string          `json:"tombstone"` // "added" | "already present" | "would be added"
	Notices       []Notice        `json:"notify"`    // Art. 19: recipients to tell
	Steps         []string        `json:"steps_done,omitempty"`
	Journal       string          `json:"journal,omitempty"`
	Pending       string          `json:"pending,omitempty"` // a step left to the batch (DeferCompact)
	// Compaction says whether the warehouse file was rewritten and why
	// (scrubReasons), or why it did not need to be.
	Compaction string `json:"compaction,omitempty"`
}

// Erase erases the subject everywhere, as one journaled job (see Steps):
// tombstone, export files rewritten without the subject (only those that
// hold them) and swapped in by rename with their manifest updated, sinks
// asked to erase, warehouse rows deleted (rejects too, lineage last), an
// audit entry, and a rewrite of the warehouse file so that no erased value
// is left in its free blocks. An unfinished job for the same subject is
// resumed. The caller holds the warehouse lock; Erase opens the warehouse
// itself (the last step replaces its file).
func Erase(ctx context.Context, cfg *config.Config, s Subject, opts EraseOptions) (*EraseResult, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	log := opts.Log.With().Str("subject_key", s.Key).Logger()
	j, res, err := beginErase(cfg, s, opts, now, log)
	if err != nil {
		return nil, err
	}
	if !opts.DryRun {
		if err := removeLeftovers(cfg, log); err != nil {
			return nil, err
		}
	}
	h, err := openAndFind(ctx, cfg, s, FindOptions{Deep: opts.Deep, Log: opts.Log, Connectors: opts.Connectors})
	if err != nil {
		return nil, err
	}
	// the compaction copies the warehouse file: the warehouse is closed first
	open := true
	closeWarehouse := func() {
		if open {
			h.Close()
			open = false
		}
	}
	defer closeWarehouse()
	c, f := h.c, h.f
	if opts.DryRun {
		j.Files, j.Notices = planFiles(cfg, f), notices(cfg, f)
		return dryRun(f, j, res), nil
	}
	st := &eraseSteps{j: j, log: log, now: now, after: opts.AfterStep}
	if err := st.inWarehouse(ctx, c, cfg, s, f, opts.Connectors); err != nil {
		return nil, err
	}
	why, err := scrubReasons(ctx, c, j)
	if err != nil {
		return nil, err
	}
	closeWarehouse()
	switch {
	case len(why) == 0:
		// nothing but pseudonymous keys left the warehouse file
		res.Compaction = "not needed: the warehouse file held nothing of the subject but their pseudonymous key"
		if err := st.run(StepCompact, func() error { return nil }); err != nil {
			return nil, err
		}
	case opts.DeferCompact:
		res.Pending = StepCompact
		return finished(j, res), nil
	default:
		res.Compaction = "rewritten: " + strings.Join(why, "; ")
		if err := st.run(StepCompact, func() error { return compact(ctx, cfg) }); err != nil {
			return nil, err
		}
	}
	t := now().UTC()
	j.FinishedAt = &t
	if err := j.save(); err != nil {
		return nil, err
	}
	return finished(j, res), nil
}

// beginErase loads the subject's unfinished erasure journal, or starts a
// new one, and the result it will fill. Unless the journal has done the
// compaction, a compaction copy left by a crash is removed.
func beginErase(cfg *config.Config, s Subject, opts EraseOptions, now func() time.Time, log zerolog.Logger) (*Journal, *EraseResult, error) {
	j, err := loadJournal(cfg.Warehouse, s.Key)
	if err != nil {
		return nil, nil, err
	}
	res := &EraseResult{SubjectKey: s.Key, DryRun: opts.DryRun, Tables: []TableChange{}, Files: []PlannedFile{}, Sinks: []SinkChange{}, NotSearchable: []NotSearchable{}, Notices: []Notice{}}
	if j != nil && !opts.DryRun {
		res.Resumed = true
		log.Warn().Str("job_id", j.JobID).Interface("steps_done", j.Done).Msg("resuming an unfinished erasure")
	}
	if j == nil {
		j = &Journal{SubjectKey: s.Key, JobID: newJobID(now()), Actor: audit.Actor(), StartedAt: now().UTC(),
			Done: map[string]string{}, Counts: map[string]int64{}, path: journalPath(cfg.Warehouse, s.Key)}
	}
	res.JobID, res.Journal = j.JobID, j.path
	if !j.done(StepCompact) {
		if err := os.Remove(compactPath(cfg.Warehouse)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, nil, err
		}
	}
	return j, res, nil
}

// eraseSteps runs an erasure's journaled steps: each runs once (a step
// the journal records as done is skipped), and is recorded in the journal,
// saved, before the next starts.
type eraseSteps struct {
	j     *Journal
	log   zerolog.Logger
	now   func() time.Time
	after func(step string) // EraseOptions.AfterStep
}

// run runs step name unless the journal has it done, then records it.
func (st *eraseSteps) run(name string, fn func() error) error {
	if st.j.done(name) {
		return nil
	}
	t0 := time.Now()
	if err := fn(); err != nil {
		return fmt.Errorf("erase step %s: %w", name, err)
	}
	st.j.Done[name] = st.now().UTC().Format(time.RFC3339Nano)
	if err := st.j.save(); err != nil {
		return fmt.Errorf("erase step %s: journal: %w", name, err)
	}
	st.log.Info().Str("step", name).Str("job_id", st.j.JobID).Dur("took_ms", time.Since(t0)).Msg("erasure step done")
	if st.after != nil {
		st.after(name)
	}
	return nil
}

// inWarehouse runs the steps that need the warehouse connection, in
// order: plan, tombstone, exports, sinks, tables, audit.
func (st *eraseSteps) inWarehouse(ctx context.Context, c *sql.Conn, cfg *config.Config, s Subject, f *Findings, conns connect.Connectors) error {
	j := st.j
	steps := []struct {
		name string
		fn   func() error
	}{
		{StepPlan, func() error {
			j.Files, j.Notices = planFiles(cfg, f), notices(cfg, f)
			return nil
		}},
		{StepTombstone, func() error {
			n, err := execT(ctx, c, "erase_tombstone", nil, params{"hash": s.Key, "now": st.now().UTC(), "actor": j.Actor})
			j.Counts["tombstone_added"] = n
			return err
		}},
		{StepExports, func() error { return rewriteExports(ctx, c, j, s.Key) }},
		{StepSinks, func() error {
			var err error
			j.NotSearchable, err = eraseSinks(ctx, cfg, conns, j, s.Key)
			return err
		}},
		{StepTables, func() error { return deleteRows(ctx, c, f, j) }},
		{StepAudit, func() error { return auditErase(ctx, c, j, st.now()) }},
	}
	for _, x := range steps {
		if err := st.run(x.name, x.fn); err != nil {
			return err
		}
	}
	return nil
}

func newJobID(t time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return "erase-" + t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

func execT(ctx context.Context, c *sql.Conn, name string, data any, p params) (int64, error) {
	q, err := render(name, data)
	if err != nil {
		return 0, err
	}
	n, err := execQ(ctx, c, q, p)
	if err != nil {
		return 0, fmt.Errorf("%s.sql: %w", name, err)
	}
	return n, nil
}

// planFiles lists the export files holding the subject (confirmed by
// reading them), relative to their export's directory.
func planFiles(cfg *config.Config, f *Findings) []PlannedFile {
	out := []PlannedFile{}
	for _, e := range f.Exports {
		for _, file := range e.Files {
			rel, err := filepath.Rel(e.Dir, file)
			if err != nil {
				rel = file
			}
			out = append(out, PlannedFile{Export: e.Export, Dir: e.Dir, File: filepath.ToSlash(rel), Rows: e.FileRows[file]})
		}
	}
	return out
}

// notices are the Art. 19 recipients, from the lineage index.
func notices(cfg *config.Config, f *Findings) []Notice {
	by := map[string]*Notice{}
	var order []string
	for _, l := range f.Lineage {
		k := l.Recipient + "\x00" + l.Export
		n := by[k]
		d := l.ExportedAt.UTC().Format(time.RFC3339)
		if n == nil {
			n = &Notice{Recipient: l.Recipient, Contact: recipientContact(cfg, l.Campaign, l.Recipient), Export: l.Export, Campaign: l.Campaign, First: d, Last: d}
			if ex := cfg.Exports[l.Export]; ex != nil {
				n.Columns = config.ExportColumns(ex)
			}
			by[k] = n
			order = append(order, k)
		}
		if d < n.First {
			n.First = d
		}
		if d > n.Last {
			n.Last = d
		}
	}
	sort.Strings(order)
	out := []Notice{}
	for _, k := range order {
		out = append(out, *by[k])
	}
	return out
}

// auditErase writes the erasure's audit entry, once per job (a job that
// crashed after writing it does not write it twice).
func auditErase(ctx context.Context, c *sql.Conn, j *Journal, now time.Time) error {
	prev, err := audit.List(ctx, c, j.SubjectKey)
	if err != nil {
		return err
	}
	for _, e := range prev {
		if e.Action == "erase" && fmt.Sprint(e.Details["job_id"]) == j.JobID {
			return nil
		}
	}
	recipients := []string{}
	for _, n := range j.Notices {
		recipients = append(recipients, n.Recipient+" ("+n.Export+")")
	}
	counts := map[string]any{}
	for k, v := range j.Counts {
		counts[k] = v
	}
	_, err = audit.Append(ctx, c, audit.Entry{At: now, Actor: j.Actor, Action: "erase", SubjectKey: j.SubjectKey, Details: map[string]any{
		"job_id": j.JobID, "counts": counts, "files": len(j.Files), "notify": recipients, "started_at": j.StartedAt.Format(time.RFC3339),
	}})
	return err
}

func dryRun(f *Findings, j *Journal, res *EraseResult) *EraseResult {
	for _, t := range f.Tables {
		res.Tables = append(res.Tables, TableChange{Dataset: t.Dataset, Table: t.Table, Rows: int64(len(t.Rows))})
	}
	res.Rejects = int64(len(f.Rejects))
	res.Lineage = int64(len(f.Lineage))
	res.Files = j.Files
	res.Notices = j.Notices
	res.NotSearchable = f.notErasable
	res.Tombstone = "would be added"
	if f.Tombstoned {
		res.Tombstone = "already present"
	}
	for _, s := range f.Sinks {
		var n int64
		for _, l := range s.Locations {
			n += l.Rows
		}
		res.Sinks = append(res.Sinks, SinkChange{Export: s.Export, Connector: s.Connector, Rows: n})
	}
	return res
}

func finished(j *Journal, res *EraseResult) *EraseResult {
	for k, v := range j.Counts {
		switch {
		case len(k) > 6 && k[:6] == "table:":
			res.Tables = append(res.Tables, TableChange{Dataset: datasetOf(k[6:]), Table: k[6:], Rows: v})
		case len(k) > 5 && k[:5] == "sink:":
			res.Sinks = append(res.Sinks, SinkChange{Export: k[5:], Rows: v})
		}
	}
	sort.Slice(res.Tables, func(a, b int) bool { return res.Tables[a].Table < res.Tables[b].Table })
	res.Rejects, res.Lineage = j.Counts["rejects"], j.Counts["lineage"]
	res.Files = j.Files
	res.Notices = j.Notices
	if j.NotSearchable != nil {
		res.NotSearchable = j.NotSearchable
	}
	res.Tombstone = "already present"
	if j.Counts["tombstone_added"] > 0 {
		res.Tombstone = "added"
	}
	for _, s := range Steps {
		if j.done(s) {
			res.Steps = append(res.Steps, s)
		}
	}
	return res
}

// Write prints the result as text or json.
func (r *EraseResult) Write(w io.Writer, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	verb := "erased"
	if r.DryRun {
		verb = "would erase"
		fmt.Fprintf(w, "DRY RUN — nothing changed. Erasure of subject %s would:\n", r.SubjectKey)
	} else {
		fmt.Fprintf(w, "Erasure of subject %s (job %s%s): done\n", r.SubjectKey, r.JobID, map[bool]string{true: ", resumed", false: ""}[r.Resumed])
	}
	fmt.Fprintf(w, "  tombstone: %s\n", r.Tombstone)
	for _, t := range r.Tables {
		fmt.Fprintf(w, "  table %s: %s %d rows\n", t.Table, verb, t.Rows)
	}
	fmt.Fprintf(w, "  rejects: %s %d lines\n  lineage: %s %d entries\n", verb, r.Rejects, verb, r.Lineage)
	if r.Compaction != "" {
		fmt.Fprintf(w, "  warehouse file: %s\n", r.Compaction)
	}
	for _, f := range r.Files {
		what := "rewritten without the subject"
		if r.DryRun {
			what = "would be rewritten without the subject"
		}
		fmt.Fprintf(w, "  export %s file %s: %s (%d rows)\n", f.Export, filepath.Join(f.Dir, f.File), what, f.Rows)
	}
	for _, s := range r.Sinks {
		fmt.Fprintf(w, "  sink %s (%s): %s %d rows\n", s.Export, s.Connector, verb, s.Rows)
	}
	writeNotSearchable(w, r.NotSearchable)
	if len(r.Notices) == 0 {
		fmt.Fprintln(w, "Recipients to notify (GDPR Art. 19): none — the subject's data was never exported")
		return nil
	}
	fmt.Fprintln(w, "Recipients to notify (GDPR Art. 19):")
	for _, n := range r.Notices {
		fmt.Fprintf(w, "  %s (%s) — export %s (campaign %s), columns %s, sent %s", n.Recipient, contactText(n.Contact), n.Export, n.Campaign, strings.Join(n.Columns, ", "), n.First)
		if n.Last != n.First {
			fmt.Fprintf(w, " … %s", n.Last)
		}
		fmt.Fprintln(w)
	}
	return nil
}
