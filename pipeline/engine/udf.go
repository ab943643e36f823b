package engine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/example/pipeline/pipeline/normalize"
)

// The SQL functions the stage SQL uses, backed by pipeline/normalize so
// that every path (enrichment, suppression, SAR) normalises the same way:
//
//	pl_email(raw VARCHAR) -> VARCHAR    normalised email, NULL when invalid
//	pl_domain(raw VARCHAR) -> VARCHAR   normalised domain, NULL when none
//	pl_phone(raw VARCHAR, country VARCHAR) -> VARCHAR  E.164, NULL when invalid
//	pl_email_type(norm VARCHAR) -> VARCHAR  invalid|role|free_webmail|personal
type udf struct {
	n  int
	fn func(args []driver.Value) (any, error)
}

func (u *udf) Config() duckdb.ScalarFuncConfig {
	vc, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	in := make([]duckdb.TypeInfo, u.n)
	for i := range in {
		in[i] = vc
	}
	return duckdb.ScalarFuncConfig{InputTypeInfos: in, ResultTypeInfo: vc, SpecialNullHandling: true}
}

func (u *udf) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: u.fn}
}

func str(v driver.Value) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

func orNull(s string, ok bool) (any, error) {
	if !ok {
		return nil, nil
	}
	return s, nil
}

var functions = map[string]func() *udf{
	"pl_email": func() *udf {
		return &udf{n: 1, fn: func(a []driver.Value) (any, error) {
			if a[0] == nil {
				return nil, nil
			}
			return orNull(normalize.Email(str(a[0])))
		}}
	},
	"pl_domain": func() *udf {
		return &udf{n: 1, fn: func(a []driver.Value) (any, error) {
			if a[0] == nil {
				return nil, nil
			}
			return orNull(normalize.Domain(str(a[0])))
		}}
	},
	"pl_email_type": func() *udf {
		return &udf{n: 1, fn: func(a []driver.Value) (any, error) {
			if a[0] == nil {
				return string(normalize.EmailInvalid), nil
			}
			return string(normalize.ClassifyEmail(str(a[0]), true)), nil
		}}
	},
	"pl_phone": func() *udf {
		return &udf{n: 2, fn: func(a []driver.Value) (any, error) {
			if a[0] == nil {
				return nil, nil
			}
			return orNull(normalize.PossiblePhone(str(a[0]), str(a[1])))
		}}
	},
}

var registerMu sync.Mutex

// RegisterFunctions registers the pl_* functions on a connection. It is
// idempotent per connection's database: DuckDB keeps them in its catalog.
func RegisterFunctions(ctx context.Context, c *sql.Conn) error {
	registerMu.Lock()
	defer registerMu.Unlock()
	var exists bool
	if err := c.QueryRowContext(ctx, "SELECT count(*) > 0 FROM duckdb_functions() WHERE function_name = 'pl_email'").Scan(&exists); err != nil {
		return fmt.Errorf("register functions: %w", err)
	}
	if exists {
		return nil
	}
	for name, mk := range functions {
		if err := duckdb.RegisterScalarUDF(c, name, mk()); err != nil {
			return fmt.Errorf("register %s: %w", name, err)
		}
	}
	return nil
}
