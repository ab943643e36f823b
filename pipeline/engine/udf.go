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
// subject, ”: may match any):
//
//	pl_ikey_email(raw VARCHAR) -> VARCHAR
//	pl_ikey_phone(raw VARCHAR, country VARCHAR) -> VARCHAR
//	pl_ikey_phone_name(raw VARCHAR, country VARCHAR, names VARCHAR) -> VARCHAR
//	pl_ikey_profile(raw VARCHAR) -> VARCHAR
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

// ikey is a subject index key function as a chunk-at-a-time VARCHAR UDF
// of n VARCHAR arguments (the raw value first): inputs are read in place
// (borrowed, never retained) and results written straight into DuckDB's
// vector, which costs a fraction of the row-at-a-time path on the tens of
// millions of values an index build reads.
type ikey struct {
	n   int
	key func(args []string) (string, bool)
}

func (u *ikey) Config() duckdb.ScalarFuncConfig {
	vc, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	in := make([]duckdb.TypeInfo, u.n)
	for i := range in {
		in[i] = vc
	}
	return duckdb.ScalarFuncConfig{InputTypeInfos: in, ResultTypeInfo: vc, SpecialNullHandling: true}
}

func (u *ikey) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{ChunkContextExecutor: func(_ context.Context, st *duckdb.ChunkIteratorState) error {
		in := st.GetInputChunk()
		views := make([]duckdb.VectorView[string], u.n)
		for i := range views {
			v, err := in.GetVector(i)
			if err != nil {
				return err
			}
			if views[i], err = duckdb.GetVectorView[string](v); err != nil {
				return err
			}
		}
		out, err := duckdb.GetVectorWriter[string](st.GetResultVector())
		if err != nil {
			return err
		}
		args := make([]string, u.n)
		for row := range in.GetSize() {
			raw, ok, err := views[0].GetValueBorrowed(row)
			if err != nil {
				return err
			}
			if !ok {
				if err := out.SetNull(row); err != nil {
					return err
				}
				continue
			}
			args[0] = raw
			for i := 1; i < u.n; i++ {
				if args[i], _, err = views[i].GetValueBorrowed(row); err != nil {
					return err
				}
			}
			if k, ok := u.key(args); ok {
				err = out.Set(row, k)
			} else {
				err = out.SetNull(row)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}}
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

// indexKeys are the subject index key functions (chunk UDFs, see ikey).
var indexKeys = map[string]*ikey{
	"pl_ikey_email": {n: 1, key: func(a []string) (string, bool) { return normalize.EmailIndexKey(a[0]) }},
	"pl_ikey_phone": {n: 2, key: func(a []string) (string, bool) { return normalize.PhoneIndexKey(a[0], a[1]) }},
	"pl_ikey_phone_name": {n: 3, key: func(a []string) (string, bool) {
		return normalize.PhoneNameIndexKey(a[0], a[1], a[2])
	}},
	"pl_ikey_profile": {n: 1, key: func(a []string) (string, bool) { return normalize.ProfileIndexKey(a[0]), true }},
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
	for name, f := range indexKeys {
		if err := duckdb.RegisterScalarUDF(c, name, f); err != nil {
			return fmt.Errorf("register %s: %w", name, err)
		}
	}
	return nil
}
