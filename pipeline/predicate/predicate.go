// Package predicate checks a targeting predicate (targeting.companies)
// before it is spliced into enrich_targets.sql: it must be one scalar
// expression over the company columns, built only from an allow-list of
// expression kinds and scalar functions. DuckDB's own parser decides what
// the text is (json_serialize_sql, in DuckDB's core); no string filter.
//
// What is refused, by construction of the allow-list: subqueries (and with
// them TABLE, VALUES, FROM, PIVOT, UNPIVOT, DESCRIBE, SUMMARIZE, EXISTS),
// table functions and therefore file names read as tables, any function
// not on the list (file readers, getenv, macros, aggregates, window
// functions), lambdas, parameters, qualified names (schema.table.column)
// and anything after the expression (GROUP BY, ORDER BY, UNION...).
package predicate

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/example/pipeline/pipeline/engine"
)

// Problem is one reason a predicate is refused, at a byte offset into it.
// Msg never quotes data: only the predicate's own names.
type Problem struct {
	Offset int
	Msg    string
}

// Querier is what Check needs from a DuckDB handle.
type Querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// Functions are the scalar functions (and operators DuckDB represents as
// functions) a predicate may call. None of them reads a file, the
// environment or a table.
var Functions = []string{
	// comparison and arithmetic operators
	"+", "-", "*", "/", "//", "%", "||", "^", "**",
	"~~", "!~~", "~~*", "!~~*", "~~~", "!~~~", "like_escape", "not_like_escape", "ilike_escape", "not_ilike_escape",
	// text
	"lower", "upper", "lcase", "ucase", "trim", "ltrim", "rtrim", "length", "len", "strlen",
	"substr", "substring", "left", "right", "starts_with", "ends_with", "prefix", "suffix",
	"contains", "instr", "strpos", "position", "replace", "concat", "concat_ws", "split_part",
	"strip_accents", "lpad", "rpad", "reverse", "regexp_matches", "regexp_full_match",
	"regexp_replace", "regexp_extract", "nfc_normalize",
	// numbers and choice
	"abs", "round", "floor", "ceil", "ceiling", "least", "greatest", "nullif", "ifnull", "if",
	"list_value", "list_contains", "array_contains", "list_has_any",
}

// expression classes a predicate may use (json_serialize_sql's "class")
var classes = []string{"COLUMN_REF", "CONSTANT", "COMPARISON", "CONJUNCTION", "OPERATOR", "FUNCTION", "CASE", "CAST", "BETWEEN", "COLLATE"}

// the statement the predicate is parsed in; enrich_targets.sql runs the same shape
const prefix = "SELECT * FROM companies_n WHERE ("

// noLocation is DuckDB's "no query location" (an unsigned -1), as JSON reads it.
const noLocation = float64(^uint64(0))

// Check parses expr on q (which may be sandboxed: parsing reads nothing)
// and returns what is wrong with it, nil if nothing. The error is
// DuckDB's or q's, not the predicate's.
func Check(ctx context.Context, q Querier, expr string) ([]Problem, error) {
	if strings.TrimSpace(expr) == "" {
		return []Problem{{0, "the predicate is empty"}}, nil
	}
	if !utf8.ValidString(expr) {
		return []Problem{{0, "the predicate is not valid UTF-8"}}, nil
	}
	for i, r := range expr {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return []Problem{{i, "a control character is not allowed"}}, nil
		}
	}
	var out string
	if err := q.QueryRowContext(ctx, engine.MustRender("serialize_sql", nil), prefix+expr+"\n)").Scan(&out); err != nil {
		return nil, fmt.Errorf("parse targeting predicate: %w", err)
	}
	var doc parsed
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		return nil, fmt.Errorf("parse targeting predicate: %w", err)
	}
	if doc.Error {
		if doc.Position == "" { // it parsed, but not into one query
			return []Problem{{0, "must be one scalar expression (PIVOT, UNPIVOT and statements are not allowed)"}}, nil
		}
		off := 0
		fmt.Sscan(doc.Position, &off)
		return []Problem{{clamp(off-len(prefix), expr), "does not parse: " + doc.Message}}, nil
	}
	c := &checker{expr: expr}
	c.statement(doc.Statements)
	return c.problems, nil
}

type parsed struct {
	Error      bool             `json:"error"`
	Message    string           `json:"error_message"`
	Position   string           `json:"position"`
	Statements []map[string]any `json:"statements"`
}

type checker struct {
	expr     string
	problems []Problem
}

func (c *checker) add(loc any, format string, args ...any) {
	off := 0
	if f, ok := loc.(float64); ok && f != noLocation {
		off = int(f) - len(prefix)
	}
	p := Problem{clamp(off, c.expr), fmt.Sprintf(format, args...)}
	if !slices.Contains(c.problems, p) {
		c.problems = append(c.problems, p)
	}
}

func clamp(off int, expr string) int {
	return max(0, min(off, len(expr)))
}

// statement requires the parse to be exactly the wrapper with a WHERE
// clause: anything the predicate added around it (a second statement, a
// clause after the closing parenthesis) is refused.
func (c *checker) statement(stmts []map[string]any) {
	if len(stmts) != 1 {
		c.add(nil, "must be one expression, not statements")
		return
	}
	node, _ := stmts[0]["node"].(map[string]any)
	if node == nil || node["type"] != "SELECT_NODE" {
		c.add(nil, "must be one expression (UNION, INTERSECT and EXCEPT are not allowed)")
		return
	}
	for _, k := range []string{"group_expressions", "group_sets", "modifiers"} {
		if l, _ := node[k].([]any); len(l) > 0 {
			c.add(nil, "must be one expression (GROUP BY, ORDER BY, LIMIT and the like are not allowed)")
		}
	}
	for _, k := range []string{"having", "qualify", "sample"} {
		if node[k] != nil {
			c.add(nil, "must be one expression (HAVING, QUALIFY, USING SAMPLE are not allowed)")
		}
	}
	if cte, _ := node["cte_map"].(map[string]any); cte != nil {
		if l, _ := cte["map"].([]any); len(l) > 0 {
			c.add(nil, "a WITH clause is not allowed")
		}
	}
	where, _ := node["where_clause"].(map[string]any)
	if where == nil {
		c.add(nil, "must be one expression")
		return
	}
	c.expression(where, nil)
}

// expression checks one expression node and, if its kind is allowed, its
// children. parentLoc places a node that has no location of its own.
func (c *checker) expression(n map[string]any, parentLoc any) {
	loc := n["query_location"]
	if f, ok := loc.(float64); !ok || f == noLocation {
		loc = parentLoc
	}
	class, _ := n["class"].(string)
	switch {
	case class == "SUBQUERY":
		c.add(loc, "a subquery (SELECT, FROM, TABLE, VALUES, PIVOT, UNPIVOT, DESCRIBE, SUMMARIZE, EXISTS) is not allowed")
		return
	case class == "WINDOW":
		c.add(loc, "a window or aggregate function is not allowed")
		return
	case class == "LAMBDA", class == "LAMBDA_REF":
		c.add(loc, "a lambda is not allowed")
		return
	case class == "PARAMETER":
		c.add(loc, "a parameter ($1, ?) is not allowed")
		return
	case !slices.Contains(classes, class):
		c.add(loc, "%s is not allowed", describe(class))
		return
	case class == "COLUMN_REF":
		if names, _ := n["column_names"].([]any); len(names) != 1 {
			c.add(loc, "name a company column alone, without a table or schema in front")
		}
	case class == "FUNCTION":
		c.function(n, loc)
	}
	c.children(n, loc)
}

func (c *checker) function(n map[string]any, loc any) {
	name, _ := n["function_name"].(string)
	schema, _ := n["schema"].(string)
	catalog, _ := n["catalog"].(string)
	if catalog != "" || schema != "" && schema != "main" {
		c.add(loc, "function %q: a schema or catalog in front of a function is not allowed", name)
	}
	if !slices.Contains(Functions, strings.ToLower(name)) {
		c.add(loc, "function %q is not allowed (allowed: %s)", name, strings.Join(namedFunctions(), ", "))
		return
	}
	if d, _ := n["distinct"].(bool); d {
		c.add(loc, "function %q: DISTINCT is not allowed", name)
	}
	if n["filter"] != nil {
		c.add(loc, "function %q: FILTER is not allowed", name)
	}
	if ob, _ := n["order_bys"].(map[string]any); ob != nil {
		if l, _ := ob["orders"].([]any); len(l) > 0 {
			c.add(loc, "function %q: ORDER BY is not allowed", name)
		}
	}
}

// children walks the sub-expressions of n: every field holding an
// expression or a list of them. Types (a CAST's target) and constant
// values are data, not expressions, and are not walked.
func (c *checker) children(n map[string]any, loc any) {
	for k, v := range n {
		switch k {
		case "value", "cast_type", "order_bys", "filter", "export_state":
			continue
		}
		switch v := v.(type) {
		case map[string]any:
			c.child(k, v, loc)
		case []any:
			for _, item := range v {
				if m, ok := item.(map[string]any); ok {
					c.child(k, m, loc)
				}
			}
		}
	}
}

func (c *checker) child(key string, v map[string]any, loc any) {
	if _, ok := v["class"]; ok {
		c.expression(v, loc)
		return
	}
	// a CASE's WHEN/THEN pairs hold expressions one level down
	if key == "case_checks" {
		c.children(v, loc)
		return
	}
	c.add(loc, "%s is not allowed", describe(key))
}

// namedFunctions are Functions without the operators, for messages.
func namedFunctions() []string {
	var out []string
	for _, f := range Functions {
		if f[0] >= 'a' && f[0] <= 'z' && !strings.HasSuffix(f, "_escape") {
			out = append(out, f)
		}
	}
	return out
}

func describe(class string) string {
	if class == "" {
		return "this construct"
	}
	return strings.ToLower(strings.ReplaceAll(class, "_", " "))
}
