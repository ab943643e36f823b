package flow

import (
	"context"
	"fmt"
	"slices"

	"github.com/example/pipeline/pipeline/config"
)

// stagePatterns is the temp table stage_patterns.sql builds: every
// company domain's email patterns, from every companies source this run
// staged.
const stagePatterns = "stage_patterns"

// buildStagePatterns builds stage_patterns from the companies sources
// staged so far (stageSources stages them first) and reports whether any
// pattern is there. With every source's patterns, not only the one
// enrichment picks per domain, the screen is a superset: fail closed.
func (rn *run) buildStagePatterns(ctx context.Context, c *sqlConn) (bool, error) {
	var views []string
	for _, name := range rn.Config.SourceOrder {
		info := rn.sources[name]
		if rn.Config.Sources[name].Role != "companies" || info == nil {
			continue
		}
		if slices.Contains(info.Columns, "domain") && slices.Contains(info.Columns, "email_pattern") {
			views = append(views, info.Staged)
		}
	}
	if len(views) == 0 {
		return false, nil
	}
	if err := rn.exec(ctx, c, "stage_patterns", map[string]any{"Sources": views}, nil); err != nil {
		return false, fmt.Errorf("company email patterns: %w", err)
	}
	n, err := countTable(ctx, c, stagePatterns)
	return n > 0, err
}

// deriveData is stage_table.sql's .Derive for a people source: the
// source columns (as the scan names them) that the email derivation of
// enrichment reads, so that a row whose derived email is an erased
// subject's is refused before anything about it is kept. nil when the
// source cannot have a derived email (no name or company domain column).
func deriveData(src *config.Source, cols []column) map[string]string {
	if src.Role != "people" {
		return nil
	}
	d := map[string]string{}
	for _, col := range cols {
		switch col.Dst {
		case "email":
			d["Email"] = col.Src
		case "first_name":
			d["First"] = col.Src
		case "last_name":
			d["Last"] = col.Src
		case "company_domain":
			d["Domain"] = col.Src
		}
	}
	if d["First"] == "" || d["Last"] == "" || d["Domain"] == "" {
		return nil
	}
	return d
}
