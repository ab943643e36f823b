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
//
// and the subject index keys (normalize.*IndexKey; NULL: matches no
// subject, 0: may match any):
//
//	pl_ikey_email(raw VARCHAR) -> UINTEGER
//	pl_ikey_phone(raw VARCHAR, country VARCHAR) -> UINTEGER
//	pl_ikey_profile(raw VARCHAR) -> UINTEGER
//	pl_ikey_text(raw VARCHAR) -> UINTEGER
type udf struct {
	n   int
	fn  func(args []driver.Value) (any, error)
	out duckdb.Type // result type; zero means VARCHAR
}

func (u *udf) Config() duckdb.ScalarFuncConfig {
	vc, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	in := make([]duckdb.TypeInfo, u.n)
	for i := range in {
		in[i] = vc
	}
	out := vc
	if u.out != duckdb.TYPE_INVALID {
		out, _ = duckdb.NewTypeInfo(u.out)
	}
	return duckdb.ScalarFuncConfig{InputTypeInfos: in, ResultTypeInfo: out, SpecialNullHandling: true}
}

// ikey wraps a subject index key function as a UINTEGER UDF of n
// arguments (the raw value first).
func ikey(n int, key func(a []driver.Value) (uint32, bool)) func() *udf {
	return func() *udf {
		return &udf{n: n, out: duckdb.TYPE_UINTEGER, fn: func(a []driver.Value) (any, error) {
			if a[0] == nil {
				return nil, nil
			}
			if k, ok := key(a); ok {
				return k, nil
			}
			return nil, nil
		}}
	}
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
	"pl_ikey_email":   ikey(1, func(a []driver.Value) (uint32, bool) { return normalize.EmailIndexKey(str(a[0])) }),
	"pl_ikey_phone":   ikey(2, func(a []driver.Value) (uint32, bool) { return normalize.PhoneIndexKey(str(a[0]), str(a[1])) }),
	"pl_ikey_profile": ikey(1, func(a []driver.Value) (uint32, bool) { return normalize.ProfileIndexKey(str(a[0])), true }),
	"pl_ikey_text":    ikey(1, func(a []driver.Value) (uint32, bool) { return normalize.TextKey(str(a[0])), true }),
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
