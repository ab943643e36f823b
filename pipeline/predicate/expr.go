package predicate

import "context"

// Expr is a targeting predicate that passed Check. Only Allowed makes
// one, so the template that splices it into SQL ({{.Predicate.SQL}},
// sql/enrich_targets.sql) can be given nothing else: not a string, not an
// unchecked expression.
type Expr struct{ sql string }

// SQL is the checked expression, as the user wrote it.
func (e Expr) SQL() string { return e.sql }

// Allowed checks expr on q (Check) and returns it as an Expr when Check
// finds no problem; otherwise the problems (or Check's error) and a zero
// Expr, which renders nothing.
func Allowed(ctx context.Context, q Querier, expr string) (Expr, []Problem, error) {
	probs, err := Check(ctx, q, expr)
	if err != nil || len(probs) > 0 {
		return Expr{}, probs, err
	}
	return Expr{sql: expr}, nil, nil
}
