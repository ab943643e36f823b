package main

import (
	"context"
	"sort"
	"strings"

	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/warehouse"

	"github.com/example/pipeline/pipeline/engine"
)

// catalogColumn is one row of `pipeline catalog --format json` (docs/design.md).
type catalogColumn struct {
	Dataset    string  `json:"dataset"`
	Column     string  `json:"column"`
	Category   string  `json:"category"`
	Personal   bool    `json:"personal"`
	Confidence float64 `json:"confidence"`
	Method     string  `json:"method"`
	Evidence   string  `json:"evidence"`
}

func openReadOnly(ctx context.Context, c *common, stderr io.Writer) (*engine.DB, func(), error) {
	cfg, err := c.load()
	if err != nil {
		return nil, nil, err
	}
	// Wait (visibly) while a run holds the warehouse rather than fail.
	w, err := warehouse.Open(ctx, cfg, warehouse.ReadOnly, "pipeline (read)", stderr)
	if err != nil {
		return nil, nil, err
	}
	return w.DB, func() { w.Close() }, nil
}

func cmdCatalog(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("catalog", stderr)
	format := fs.String("format", "table", "table|json|markdown")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "json", "markdown"); err != nil {
		return err
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	db, done, err := openReadOnly(ctx, c, stderr)
	if err != nil {
		return err
	}
	defer done()
	rows, err := db.QueryContext(ctx, engine.SQL("catalog_list"))
	if err != nil {
		return fmt.Errorf("read catalog (has a run completed?): %w", err)
	}
	defer rows.Close()
	var cols []catalogColumn
	for rows.Next() {
		var cc catalogColumn
		var conf sql.NullFloat64
		if err := rows.Scan(&cc.Dataset, &cc.Column, &cc.Category, &cc.Personal, &conf, &cc.Method, &cc.Evidence); err != nil {
			return err
		}
		cc.Confidence = conf.Float64
		cols = append(cols, cc)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	exports, err := describeExports(ctx, db, cfg)
	if err != nil {
		return err
	}
	switch *format {
	case "json":
		b, _ := json.MarshalIndent(map[string]any{"columns": cols, "exports": exports, "campaigns": catalogCampaigns(cfg)}, "", "  ")
		fmt.Fprintln(stdout, string(b))
	case "table":
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "dataset\tcolumn\tcategory\tpersonal\tconfidence\tmethod\tevidence")
		for _, cc := range cols {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%.2f\t%s\t%s\n", cc.Dataset, cc.Column, cc.Category, cc.Personal, cc.Confidence, cc.Method, cc.Evidence)
		}
		tw.Flush()
	case "markdown":
		if err := writeRecordOfProcessing(ctx, stdout, cfg, db, cols); err != nil {
			return err
		}
		writeExportsRecord(stdout, exports)
	default:
		return usagef("--format %q: want table, json or markdown", *format)
	}
	return nil
}

// writeRecordOfProcessing prints the data map as a record of processing
// (Art. 30 style): per dataset its source, categories, whether it holds
// personal data, lawful basis and purposes, recipients and retention.
func writeRecordOfProcessing(ctx context.Context, w io.Writer, cfg *config.Config, db *engine.DB, cols []catalogColumn) error {
	byDataset := map[string][]catalogColumn{}
	var order []string
	for _, c := range cols {
		if _, ok := byDataset[c.Dataset]; !ok {
			order = append(order, c.Dataset)
		}
		byDataset[c.Dataset] = append(byDataset[c.Dataset], c)
	}
	type rcpt struct{ recipient, export, last string }
	var recipients []rcpt
	rows, err := db.QueryContext(ctx, engine.SQL("lineage_recipients"))
	if err == nil {
		for rows.Next() {
			var r rcpt
			if err := rows.Scan(&r.recipient, &r.export, &r.last); err == nil {
				recipients = append(recipients, r)
			}
		}
		rows.Close()
	}
	fmt.Fprintf(w, "# Record of processing — %s\n\nController: %s (%s)\n\n", cfg.Name, cfg.Controller.Name, cfg.Controller.Contact)
	fmt.Fprintln(w, "## Purposes and lawful basis")
	for _, name := range cfg.CampaignOrder {
		cp := cfg.Campaigns[name]
		fmt.Fprintf(w, "- **%s**: %s — lawful basis `%s`, recipient %s, regions %s", name, cp.Purpose, cp.LawfulBasis, cp.Recipient, strings.Join(cp.Regions, ", "))
		writeCampaignRecord(w, cp)
		writeLIAAnswers(w, cp.LIA.Answers)
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "\n## Recipients")
	if len(recipients) == 0 {
		fmt.Fprintln(w, "- none yet")
	}
	for _, r := range recipients {
		fmt.Fprintf(w, "- %s — export `%s`, last delivered %s\n", r.recipient, r.export, r.last)
	}
	fmt.Fprintln(w, "\n## Datasets")
	for _, ds := range order {
		src := cfg.Sources[ds]
		personal := false
		cats := map[string]bool{}
		for _, c := range byDataset[ds] {
			cats[c.Category] = true
			personal = personal || c.Personal
		}
		var catList []string
		for c := range cats {
			catList = append(catList, c)
		}
		sort.Strings(catList)
		fmt.Fprintf(w, "\n### %s\n\n", ds)
		if src != nil {
			fmt.Fprintf(w, "- source: `%s` connector, role %s\n- retention: %s\n", src.Connector, src.Role, src.Retention)
		} else {
			fmt.Fprintln(w, "- source: derived by the pipeline")
		}
		if ds == "rejects" {
			fmt.Fprintf(w, "- retention: %s (limits.rejects_retention), or the source's retention when shorter\n", cfg.Limits.RejectsRetention)
		}
		fmt.Fprintf(w, "- personal data: %v\n- categories: %s\n\n", personal, strings.Join(catList, ", "))
		fmt.Fprintln(w, "| column | category | personal | method | evidence |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		for _, c := range byDataset[ds] {
			fmt.Fprintf(w, "| %s | %s | %v | %s | %s |\n", c.Column, c.Category, c.Personal, c.Method, strings.ReplaceAll(c.Evidence, "|", "/"))
		}
	}
	return nil
}
