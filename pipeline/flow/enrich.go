package flow

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/example/pipeline/pipeline/engine"
)

// unionSource is one source as the enrich SQL reads it
// (sql/source_from.sql, sql/source_rowid.sql).
type unionSource struct {
	Table   string   // the staged view (or, in validate, table)
	RawDir  string   // where its raw files are: enrichment reads them, not Table ("" in validate)
	Missing []string // canonical columns the source lacks
}

// ProspectColumns are the derived columns of the prospects table, in
// order, before any carried-along people columns and provenance.
var ProspectColumns = []string{
	"subject_key", "first_name", "last_name", "job_title", "department", "seniority",
	"email", "email_type", "email_origin", "subscriber_type", "subscriber_basis", "phone", "linkedin_url",
	"company_name", "company_domain", "industry", "employees", "country", "gdpr_region",
}

// union describes the raw tables of one role for the UNION ALL BY NAME in
// the enrich SQL: each table with the canonical columns it lacks, and the
// extra (carried-along) columns across all of them.
func (rn *run) union(role string, canonical []string) ([]unionSource, []string) {
	var out []unionSource
	extraSet := map[string]bool{}
	for _, name := range rn.Config.SourceOrder {
		src := rn.Config.Sources[name]
		info := rn.sources[name]
		if src.Role != role || info == nil {
			continue
		}
		have := map[string]bool{}
		for _, c := range info.Columns {
			have[c] = true
		}
		us := unionSource{Table: info.Staged}
		if info.Layout != nil {
			us.RawDir = info.Layout.Dir
		}
		for _, c := range canonical {
			if !have[c] {
				us.Missing = append(us.Missing, c)
			}
		}
		for _, c := range info.Columns {
			if !contains(canonical, c) {
				extraSet[c] = true
			}
		}
		out = append(out, us)
	}
	var extras []string
	for c := range extraSet {
		if !contains(ProspectColumns, c) && !contains(provenance, c) && c != "_sources" {
			extras = append(extras, c)
		}
	}
	sort.Strings(extras)
	// every table must have every extra for UNION ALL BY NAME to be total
	for i := range out {
		info := rn.byStaged(out[i].Table)
		for _, e := range extras {
			if !contains(info.Columns, e) {
				out[i].Missing = append(out[i].Missing, e)
			}
		}
	}
	return out, extras
}

func (rn *run) byStaged(table string) *sourceInfo {
	for _, info := range rn.sources {
		if info.Staged == table {
			return info
		}
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// enrichWork builds enrichment's TEMP tables, then prospects_work (in
// scratchDB). A run calls it between its two transactions, outside both:
// these are the largest writes of a run, and DuckDB reads a transaction's
// own large writes more slowly than committed ones.
func (rn *run) enrichWork(ctx context.Context, c *sqlConn) error {
	companies, _ := rn.union("companies", CompanyColumns)
	people, extras := rn.union("people", PeopleColumns)
	if len(companies) == 0 || len(people) == 0 {
		return fmt.Errorf("need at least one companies source and one people source")
	}
	pred := rn.Config.Targeting.Companies
	if pred == "" {
		pred = "true"
	}
	t0 := time.Now()
	if err := rn.exec(ctx, c, "enrich_companies", map[string]any{"Sources": companies}, nil); err != nil {
		return err
	}
	if err := rn.targets(ctx, c, pred); err != nil {
		return err
	}
	if err := rn.exec(ctx, c, "enrich_subscribers", nil, nil); err != nil {
		return err
	}
	var compIn int64
	for _, s := range companies {
		n, err := countTable(ctx, c, s.Table)
		if err != nil {
			return err
		}
		compIn += n
	}
	compOut, err := countTable(ctx, c, "target_companies")
	if err != nil {
		return err
	}
	rn.report.add(StageRow{Stage: StageEnrich, Step: "target companies", RowsIn: compIn, RowsOut: compOut, Duration: time.Since(t0)})

	t0 = time.Now()
	if err := rn.exec(ctx, c, "enrich_people", map[string]any{"Sources": people}, nil); err != nil {
		return err
	}
	if extras, err = rn.minimiseExtras(ctx, c, extras); err != nil {
		return err
	}
	if err := rn.exec(ctx, c, "enrich_titles", nil, nil); err != nil {
		return err
	}
	if err := rn.exec(ctx, c, "enrich_prospects", map[string]any{"Sources": people, "Extras": extras}, params{"run_id": rn.id, "now": rn.started}); err != nil {
		return err
	}
	// corrections subjects asked for (pipeline rectify) replace the sources' values
	if err := rn.applyRectifications(ctx, c); err != nil {
		return err
	}
	// restricted and objecting subjects: stored, not processed
	if err := rn.exec(ctx, c, "enrich_withhold", nil, params{"now": rn.started}); err != nil {
		return err
	}
	if err := rn.reportSubscribers(ctx, c); err != nil {
		return err
	}
	rn.peopleIn = 0
	for _, s := range people {
		n, err := countTable(ctx, c, s.Table)
		if err != nil {
			return err
		}
		rn.peopleIn += n
	}
	rn.enrichTook = time.Since(t0)
	return nil
}

// publishProspects stores prospects_work as the warehouse's prospects
// (storeKeyed; inside the run's write transaction) and reports the step.
func (rn *run) publishProspects(ctx context.Context, c *sqlConn) error {
	t0 := time.Now()
	if err := rn.exec(ctx, c, "enrich_publish", nil, params{"now": rn.started}); err != nil {
		return err
	}
	if err := rn.storeKeyed(ctx, c, "prospects", "prospects_next"); err != nil {
		return err
	}
	atTargets, err := countTable(ctx, c, "people_n")
	if err != nil {
		return err
	}
	out, err := countTable(ctx, c, "prospects")
	if err != nil {
		return err
	}
	rn.report.add(StageRow{Stage: StageEnrich, Step: "prospects", RowsIn: rn.peopleIn, RowsOut: out, Duration: rn.enrichTook + time.Since(t0),
		Note: fmt.Sprintf("%d people at target companies; %d in target roles after de-duplication", atTargets, out)})
	rn.progress("enrich: %d prospects", out)
	return nil
}

// prospectsSchema lists the prospects table's columns.
func prospectsSchema(ctx context.Context, c *sqlConn) ([]string, error) {
	return columns(ctx, c, engine.Scan{Table: "prospects"})
}
