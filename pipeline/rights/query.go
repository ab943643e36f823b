package rights

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/engine"
)

// params are named SQL parameters ($name in the .sql files).
type params = engine.Params

// render renders a template and strips its trailing semicolon, so the
// statement can be wrapped or run as a query.
func render(name string, data any) (string, error) {
	s, err := engine.Render(name, data)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSpace(s), ";"), nil
}

// Row is one row as column → value, values made JSON-friendly.
type Row map[string]any

// queryRows runs q and returns every row as a Row, with the column order.
func queryRows(ctx context.Context, c *sql.Conn, q string, p params) ([]Row, []string, error) {
	rows, err := c.QueryContext(ctx, q, p.Args()...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	var out []Row
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		r := make(Row, len(cols))
		for i, col := range cols {
			r[col] = plain(vals[i])
		}
		out = append(out, r)
	}
	return out, cols, rows.Err()
}

// plain turns a driver value into something encoding/json and the text
// and HTML reports print well.
func plain(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int64, int32, int16, int8, int, uint64, uint32, uint16, uint8, float64, float32:
		return x
	case []byte:
		return string(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case *big.Int:
		return x.String()
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = plain(x[i])
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plain(e)
		}
		return out
	}
	return fmt.Sprint(v)
}

func execQ(ctx context.Context, c *sql.Conn, q string, p params) (int64, error) {
	res, err := c.ExecContext(ctx, q, p.Args()...)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return n, nil
}
