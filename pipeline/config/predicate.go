package config

import (
	"context"
	"fmt"
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
// With deferPredicate it only records the predicate (Config.CheckTargeting).
func (d *decoder) checkPredicate(n *yaml.Node, expr string) {
	if d.deferPredicate {
		d.pending = &pendingPredicate{node: n, expr: expr}
		return
	}
	probs, err := predicate.CheckAlone(context.Background(), expr)
	d.diags = append(d.diags, predicateDiags(d.file, n, expr, probs, err)...)
}

// pendingPredicate is a targeting predicate LoadDeferred has not checked.
type pendingPredicate struct {
	node *yaml.Node
	expr string
}

// predicateDiags are the diagnostics of a predicate check's problems (or
// of its failure, err).
func predicateDiags(file string, n *yaml.Node, expr string, probs []predicate.Problem, err error) Diagnostics {
	if err != nil {
		pos := nodePos(n)
		return Diagnostics{{File: file, Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf("targeting.companies: the predicate could not be checked: %v", err)}}
	}
	var out Diagnostics
	for _, p := range probs {
		pos := predicatePos(n, expr, p.Offset)
		out = append(out, Diagnostic{File: file, Line: pos.Line, Col: pos.Col,
			Msg: "targeting.companies: " + p.Msg + "; " + pureExprMsg})
	}
	return out
}

// CheckTargeting checks the targeting predicate LoadDeferred left
// unchecked, on q (a connection the caller has open anyway: parsing the
// predicate reads and runs nothing), and returns the Diagnostics Load
// would have; nil when there is nothing to check or nothing wrong.
func (c *Config) CheckTargeting(ctx context.Context, q predicate.Querier) error {
	if c.pending == nil {
		return nil
	}
	probs, err := predicate.Check(ctx, q, c.pending.expr)
	if ds := predicateDiags(c.display, c.pending.node, c.pending.expr, probs, err); len(ds) > 0 {
		return ds.sorted()
	}
	c.pending = nil
	return nil
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
