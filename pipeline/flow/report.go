package flow

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// StageRow is one line of the run report: one step of one stage.
type StageRow struct {
	Stage      string `json:"stage"`
	Step       string `json:"step"`
	RowsIn     int64  `json:"rows_in"`
	RowsOut    int64  `json:"rows_out"`
	Rejected   int64  `json:"rejected"`
	Suppressed int64  `json:"suppressed"`
	// Expired: rows of subjects past the source's retention, refused at
	// stage (docs/retention.md)
	Expired  int64         `json:"expired"`
	Exported int64         `json:"exported"`
	Duration time.Duration `json:"duration_ns"`
	Note     string        `json:"note,omitempty"`
}

// SuppressionCount is how many prospects one list removed (or, for phone
// lists, how many phone numbers it removed).
type SuppressionCount struct {
	List   string `json:"list"`
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
	People int64  `json:"people"`
}

// ExportResult is one export as written.
type ExportResult struct {
	Export    string   `json:"export"`
	Campaign  string   `json:"campaign"`
	Recipient string   `json:"recipient"`
	Location  string   `json:"location"`
	Rows      int64    `json:"rows"`
	Files     []string `json:"files"`
	// DryRun: Rows is what the export would write; nothing was written.
	DryRun bool `json:"dry_run,omitempty"`
}

// Report is what a run did.
type Report struct {
	RunID       string             `json:"run_id"`
	Pipeline    string             `json:"pipeline"`
	Started     time.Time          `json:"started_at"`
	Finished    time.Time          `json:"finished_at"`
	Status      string             `json:"status"`
	Error       string             `json:"error,omitempty"`
	Stages      []StageRow         `json:"stages"`
	Suppression []SuppressionCount `json:"suppression"`
	Exports     []ExportResult     `json:"exports"`
	// SubscriberUnknown is set when some target companies' PECR
	// subscriber type could not be decided (see UnknownSubscribers).
	SubscriberUnknown *UnknownSubscribers `json:"subscriber_type_unknown,omitempty"`
	// SpecialDropped are the special-category people columns
	// ("source.column") not carried into prospects (see minimiseExtras).
	SpecialDropped []string `json:"special_category_dropped,omitempty"`
	// Select is the step a run --select reran ("" for a full run).
	Select string `json:"select,omitempty"`
	// AnchorErr is why the run could not move the audit log's head
	// anchor (audit.Anchor) before it let the warehouse go; nil when it did.
	AnchorErr error `json:"-"`
}

// add appends a row, kept in the order of the stage list (Stages): a run
// builds enrichment's working tables before it syncs the suppression
// lists (a step of stage), but the report reads stage, enrich, suppress,
// classify, export.
func (r *Report) add(row StageRow) {
	i := len(r.Stages)
	for i > 0 && stageRank(r.Stages[i-1].Stage) > stageRank(row.Stage) {
		i--
	}
	r.Stages = slices.Insert(r.Stages, i, row)
}

// Print writes the report as tables.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "run %s  pipeline %s  status %s  %s\n", r.RunID, r.Pipeline, r.Status, r.Finished.Sub(r.Started).Round(time.Millisecond))
	if r.Error != "" {
		fmt.Fprintf(w, "error: %s\n", r.Error)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\tstep\trows in\trows out\trejected\tsuppressed\texported\ttime\t")
	for _, s := range r.Stages {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t\n", s.Stage, s.Step, s.RowsIn, s.RowsOut, s.Rejected, s.Suppressed, s.Exported, s.Duration.Round(time.Millisecond))
	}
	tw.Flush()
	var notes []string
	for _, s := range r.Stages {
		if s.Note != "" {
			notes = append(notes, fmt.Sprintf("  %s/%s: %s", s.Stage, s.Step, s.Note))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w, "notes:")
		fmt.Fprintln(w, strings.Join(notes, "\n"))
	}
	if len(r.Suppression) > 0 {
		fmt.Fprintln(w, "suppressed by list:")
		tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  list\tkind\treason\tpeople")
		for _, s := range r.Suppression {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\n", s.List, s.Kind, s.Reason, s.People)
		}
		tw.Flush()
	}
	if len(r.SpecialDropped) > 0 {
		fmt.Fprintf(w, "special-category columns kept in raw only, not carried into prospects: %s\n", strings.Join(r.SpecialDropped, ", "))
	}
	if r.SubscriberUnknown != nil {
		fmt.Fprintln(w, r.SubscriberUnknown)
	}
	for _, e := range r.Exports {
		if e.DryRun {
			fmt.Fprintf(w, "export %s → %s (%s): would write %d rows to %s (dry run: nothing written)\n", e.Export, e.Recipient, e.Campaign, e.Rows, e.Location)
			continue
		}
		fmt.Fprintf(w, "export %s → %s (%s): %d rows in %d files at %s\n", e.Export, e.Recipient, e.Campaign, e.Rows, len(e.Files), e.Location)
	}
}
