package config

import (
	"context"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/example/pipeline/pipeline/predicate"
)

// pureExprMsg ends every targeting.companies diagnostic.
const pureExprMsg = "targeting.companies must be one scalar expression over the company columns, using only the allowed functions (no subqueries, tables, files, statements or macros)"

// checkPredicate reports what pipeline/predicate refuses in the
// targeting predicate at node n, each problem at its own line and column.
// Messages name constructs and functions of the predicate, never data.
func (d *decoder) checkPredicate(n *yaml.Node, expr string) {
	probs, err := predicate.CheckAlone(context.Background(), expr)
	if err != nil {
		d.errorf(n, "targeting.companies: the predicate could not be checked: %v", err)
		return
	}
	for _, p := range probs {
		pos := predicatePos(n, expr, p.Offset)
		d.diags = append(d.diags, Diagnostic{File: d.file, Line: pos.Line, Col: pos.Col,
			Msg: "targeting.companies: " + p.Msg + "; " + pureExprMsg})
	}
}

// predicatePos is the position in the file of byte off of expr, the
// trimmed value of scalar n. Exact for one-line plain and quoted scalars
// without escapes; in a block scalar, the line is exact and the column
// that of the block indicator; otherwise the scalar's start.
func predicatePos(n *yaml.Node, expr string, off int) Position {
	start := nodePos(n)
	lead := strings.Index(n.Value, expr)
	if lead < 0 || off > len(expr) {
		return start
	}
	before := n.Value[:lead+off]
	escaped := n.Style == yaml.DoubleQuotedStyle && strings.Contains(n.Value, `\`) ||
		n.Style == yaml.SingleQuotedStyle && strings.Contains(n.Value, "'")
	switch {
	case n.Style == yaml.LiteralStyle || n.Style == yaml.FoldedStyle:
		return Position{start.Line + 1 + strings.Count(before, "\n"), start.Col}
	case strings.Contains(n.Value, "\n") || escaped:
		return start
	}
	col := start.Col + utf8.RuneCountInString(before)
	if n.Style != 0 {
		col++ // the opening quote
	}
	return Position{start.Line, col}
}
