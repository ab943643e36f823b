package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/flow"
)

// catalogExport is one export in `pipeline catalog --format json`: what
// it is for, who receives it, and its columns described as in its
// manifest.
type catalogExport struct {
	Export       string                   `json:"export"`
	Campaign     string                   `json:"campaign"`
	Recipient    string                   `json:"recipient"`
	Contact      string                   `json:"recipient_contact,omitempty"`
	Purpose      string                   `json:"purpose"`
	LawfulBasis  string                   `json:"lawful_basis"`
	Sink         string                   `json:"sink"`
	Columns      []connectors.ColumnDoc   `json:"columns"`
	Partitioning *connectors.Partitioning `json:"partitioning,omitempty"`
}

// catalogCampaign is one campaign's Art. 30 record in the JSON catalog.
type catalogCampaign struct {
	Campaign    string            `json:"campaign"`
	Purpose     string            `json:"purpose"`
	LawfulBasis string            `json:"lawful_basis"`
	Recipient   string            `json:"recipient"`
	Contact     string            `json:"recipient_contact,omitempty"`
	Regions     []string          `json:"regions"`
	LIA         map[string]string `json:"lia,omitempty"`
}

// describeExports describes every export of the config from the
// warehouse (flow.DescribeExport), in config order.
func describeExports(ctx context.Context, db *engine.DB, cfg *config.Config) ([]catalogExport, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var out []catalogExport
	for _, name := range cfg.ExportOrder {
		ex := cfg.Exports[name]
		cp := cfg.Campaigns[ex.Campaign]
		doc, err := flow.DescribeExport(ctx, c, cfg, ex)
		if err != nil {
			return nil, err
		}
		out = append(out, catalogExport{Export: name, Campaign: ex.Campaign, Recipient: cp.Recipient, Contact: cp.RecipientContact,
			Purpose: cp.Purpose, LawfulBasis: cp.LawfulBasis, Sink: ex.Sink.Connector, Columns: doc.Columns, Partitioning: doc.Partitioning})
	}
	return out, nil
}

// catalogCampaigns is every campaign's record, its LIA included.
func catalogCampaigns(cfg *config.Config) []catalogCampaign {
	var out []catalogCampaign
	for _, name := range cfg.CampaignOrder {
		cp := cfg.Campaigns[name]
		out = append(out, catalogCampaign{Campaign: name, Purpose: cp.Purpose, LawfulBasis: cp.LawfulBasis, Recipient: cp.Recipient,
			Contact: cp.RecipientContact, Regions: cp.Regions, LIA: liaRecord(cp.LIA)})
	}
	return out
}

// liaRecord is an LIA as key/value pairs (nil when there is none).
func liaRecord(l config.LIA) map[string]string {
	if l.AssessedOn.IsZero() && l.AssessedBy == "" {
		return nil
	}
	m := map[string]string{"assessed_on": l.AssessedOn.Format(time.DateOnly), "assessed_by": l.AssessedBy,
		"purpose_test": l.PurposeTest, "necessity_test": l.NecessityTest, "balancing_test": l.BalancingTest, "b2b": fmt.Sprint(l.B2B)}
	if !l.ReviewBy.IsZero() {
		m["review_by"] = l.ReviewBy.Format(time.DateOnly)
	}
	for k, v := range map[string]string{"purpose_answer": l.Answers.Purpose, "necessity_answer": l.Answers.Necessity, "balancing_answer": l.Answers.Balancing} {
		if v != "" {
			m[k] = v
		}
	}
	return m
}

// writeLIAAnswers lists an LIA's text answers under its campaign's line
// of the record of processing.
func writeLIAAnswers(w io.Writer, a config.LIAAnswers) {
	for _, x := range []struct{ test, answer string }{{"purpose", a.Purpose}, {"necessity", a.Necessity}, {"balancing", a.Balancing}} {
		if x.answer != "" {
			fmt.Fprintf(w, "\n  - %s test: %s", x.test, oneLine(x.answer))
		}
	}
}

// writeExportsRecord is the record of processing's Exports section: per
// export, its recipient and purpose and each column described.
func writeExportsRecord(w io.Writer, exports []catalogExport) {
	fmt.Fprintln(w, "\n## Exports")
	if len(exports) == 0 {
		fmt.Fprintln(w, "\n- none configured")
	}
	for _, e := range exports {
		fmt.Fprintf(w, "\n### %s\n\n- campaign: %s — %s (lawful basis `%s`)\n- recipient: %s", e.Export, e.Campaign, oneLine(e.Purpose), e.LawfulBasis, e.Recipient)
		if e.Contact != "" {
			fmt.Fprintf(w, " (contact %s)", e.Contact)
		}
		fmt.Fprintf(w, "\n- sink: `%s`\n", e.Sink)
		if p := e.Partitioning; p != nil {
			fmt.Fprintf(w, "- partitioning: %s\n", p.Note)
		}
		fmt.Fprintln(w, "\n| column | type | category | personal | meaning | from |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|")
		for _, c := range e.Columns {
			fmt.Fprintf(w, "| %s | %s | %s | %v | %s | %s |\n", c.Name, c.Type, c.Category, c.Personal, mdCell(c.Description), mdCell(c.Source))
		}
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func mdCell(s string) string { return strings.ReplaceAll(oneLine(s), "|", "/") }
