package flow

import (
	"context"
	"slices"
	"strings"

	"github.com/example/pipeline/pipeline/classify"
)

// minimiseExtras drops from the carried-along people columns (extras)
// every column that is special-category in some people source: pinned
// (on the source or on prospects), by its name, or by its sampled values
// (the raw table is classified here, before prospects are built). Nothing
// downstream of staging ever holds such a column; the raw table keeps it
// for the source's retention, and the catalog says so. The dropped columns
// are listed in the report as "source.column".
func (rn *run) minimiseExtras(ctx context.Context, c *sqlConn, extras []string) ([]string, error) {
	if len(extras) == 0 {
		return extras, nil
	}
	drop := map[string]bool{}
	var where []string
	for _, col := range extras {
		// pinned on prospects (source pins are applied below) or named so
		if r := classify.ByName("prospects", col, rn.Config.Classification.Pin); classify.IsSpecial(r.Category) {
			drop[col] = true
			where = append(where, "prospects."+col)
		}
	}
	var people []Dataset
	for _, d := range rn.datasets() {
		if src := rn.Config.Sources[d.Name]; src != nil && src.Role == "people" {
			people = append(people, d)
		}
	}
	// pinned or named on a source: decided without reading values
	for _, d := range people {
		for _, col := range extras {
			if info := rn.sources[d.Name]; info == nil || !contains(info.Columns, col) {
				continue
			}
			if r := classify.ByName(d.Name, col, rn.Config.Classification.Pin); classify.IsSpecial(r.Category) {
				drop[col] = true
				where = append(where, d.Name+"."+col)
			}
		}
	}
	undecided := slices.ContainsFunc(extras, func(col string) bool { return !drop[col] })
	for _, d := range people {
		if !undecided {
			break // every extra is dropped already: no sample to read
		}
		res, err := rn.classifyTable(ctx, c, d)
		if err != nil {
			return nil, err
		}
		for _, r := range res {
			if classify.IsSpecial(r.Category) && slices.Contains(extras, r.Column) {
				drop[r.Column] = true
				where = append(where, d.Name+"."+r.Column)
			}
		}
	}
	var kept []string
	for _, col := range extras {
		if !drop[col] {
			kept = append(kept, col)
		}
	}
	slices.Sort(where)
	rn.report.SpecialDropped = slices.Compact(where)
	return kept, nil
}

// droppedSpecial reports where a column minimiseExtras kept out of
// prospects is special-category ("source.column"), if it did.
func (rn *run) droppedSpecial(col string) (string, bool) {
	for _, w := range rn.report.SpecialDropped {
		if strings.HasSuffix(w, "."+col) {
			return w, true
		}
	}
	return "", false
}

// gateCategory is the run's export-gate lookup over the catalog results:
// a prospects column's result, or, for a column kept out of prospects as
// special-category, that result from the people source it came from.
func (rn *run) gateCategory(all []classify.Result) func(string) (classify.Result, bool) {
	return func(col string) (classify.Result, bool) {
		for _, r := range all {
			if r.Dataset == "prospects" && r.Column == col {
				return r, true
			}
		}
		if where, ok := rn.droppedSpecial(col); ok {
			return classify.Result{Dataset: "prospects", Column: col, Category: classify.SpecialCategory, Personal: true, Method: "values",
				Evidence: where + " is special-category; kept in raw only, never carried into prospects"}, true
		}
		return classify.Result{}, false
	}
}
