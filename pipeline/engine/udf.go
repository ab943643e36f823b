package engine

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

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
//	pl_stage_email(raw VARCHAR, n VARCHAR) -> VARCHAR  the stage's one pass
//	    over a people source's emails: 'erased' when raw's subject is among
//	    those given to SetErasedEmails (counted, see Refused), else the
//	    'expired' when it is among those given to SetExpiredEmails
//	    (counted, see Expired), else the
//	    subject bucket among n of the normalised email (EmailBucket, as
//	    decimal text), NULL when the email is invalid or missing.
//	    Volatile, so DuckDB evaluates it once per row. While
//	    CollectSubjects is on it also keeps each bucketed row's key
//	    (udf_subjects.go).
//	pl_staged_subjects(source VARCHAR) -> TABLE(subject_key VARCHAR)
//	    the keys kept for source (udf_subjects.go)
//	pl_name_sub(first VARCHAR, last VARCHAR) -> VARCHAR  normalize.NameSub
//	    as decimal text (NULL first name: NULL)
//	pl_stage_erased(derived VARCHAR) -> VARCHAR  the same screen for a
//	    person without an email, over the emails their company's
//	    patterns give (udf_erased.go).
//
// Each runs a chunk (up to 2048 rows) at a time: the inputs are DuckDB's
// strings read in place (borrowed for the call, never retained: the
// normalize functions keep nothing) and the results are written straight
// into DuckDB's result vector. That costs about half of the
// row-at-a-time path (a Go value per argument and per result), and the
// stage pays it on every email of a people source.
type udf struct {
	n int
	// fn normalises one row; args are the row's values, "" for NULL
	// beyond the first; ok false makes the result NULL. Unused with chunk.
	fn func(args []string) (out string, ok bool)
	// onNull is the result for a NULL first argument; nil means NULL.
	onNull *string
	// volatile: DuckDB must call it exactly once per row (it counts)
	volatile bool
	// chunk, when set, gives the fn for one chunk's rows and a flush to
	// run once they are done (pl_stage_email collects per chunk, not per
	// row); never with costly.
	chunk func() (fn func(args []string) (string, bool), flush func())
	// costly: fn takes microseconds a row (pl_phone: libphonenumber's
	// metadata, and its regular expressions on the forms normalize's fast
	// path leaves to it), so a chunk is computed by several goroutines
	// (see parallelChunk). DuckDB runs a small table's scan, with every
	// function over it, on one thread: enrich_prospects' phones and a phone
	// list kept a core idle for their whole pl_phone time.
	costly bool
}

func (u *udf) Config() duckdb.ScalarFuncConfig {
	vc, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	in := make([]duckdb.TypeInfo, u.n)
	for i := range in {
		in[i] = vc
	}
	return duckdb.ScalarFuncConfig{InputTypeInfos: in, ResultTypeInfo: vc, SpecialNullHandling: true, Volatile: u.volatile}
}

// bindContext gives each call site of a function its context when DuckDB
// binds it. Without a binder, duckdb-go stores the context on its bind
// data at the first chunk, from whichever DuckDB threads get there first at
// once: a data race (seen by go test -race). Bind time is single-threaded.
func bindContext(parent context.Context, _ []duckdb.ScalarUDFArg) (context.Context, error) {
	if parent == nil {
		return context.Background(), nil
	}
	return parent, nil
}

func (u *udf) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{ScalarBinder: bindContext, ChunkContextExecutor: func(_ context.Context, st *duckdb.ChunkIteratorState) error {
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
		if u.costly && in.GetSize() >= 2*minRowsPerWorker && runtime.GOMAXPROCS(0) > 1 {
			return u.parallelChunk(in.GetSize(), views, out)
		}
		fn := u.fn
		if u.chunk != nil {
			var flush func()
			fn, flush = u.chunk()
			defer flush()
		}
		args := make([]string, u.n)
		for row := range in.GetSize() {
			present, err := readArgs(views, row, args)
			if err != nil {
				return err
			}
			var r string
			var ok bool
			if present {
				r, ok = fn(args)
			}
			if err := u.put(out, row, present, r, ok); err != nil {
				return err
			}
		}
		return nil
	}}
}

// readArgs reads a row's arguments into args ("" for a NULL beyond the
// first); present is false, and args untouched, when the first is NULL.
func readArgs(views []duckdb.VectorView[string], row int, args []string) (present bool, err error) {
	first, ok, err := views[0].GetValueBorrowed(row)
	if err != nil || !ok {
		return false, err
	}
	args[0] = first
	for i := 1; i < len(args); i++ {
		if args[i], _, err = views[i].GetValueBorrowed(row); err != nil {
			return false, err
		}
	}
	return true, nil
}

// put writes a row's result: onNull (or NULL) for a NULL first argument,
// else fn's result r, NULL when it was not ok.
func (u *udf) put(out duckdb.VectorWriter[string], row int, present bool, r string, ok bool) error {
	switch {
	case !present && u.onNull != nil:
		return out.Set(row, *u.onNull)
	case present && ok:
		return out.Set(row, r)
	default:
		return out.SetNull(row)
	}
}

// minRowsPerWorker is the fewest rows of a chunk a goroutine of
// parallelChunk takes on (a goroutine costs about a microsecond).
const minRowsPerWorker = 64

// parallelChunk runs fn over a chunk's rows on up to GOMAXPROCS
// goroutines. The arguments are read first and the results written after,
// on the calling (DuckDB) thread: only fn runs concurrently, over strings
// DuckDB keeps valid for the whole call, and DuckDB's result vector (its
// string heap) is only ever written by one thread.
func (u *udf) parallelChunk(rows int, views []duckdb.VectorView[string], out duckdb.VectorWriter[string]) error {
	args := make([][]string, rows) // nil: NULL first argument
	flat := make([]string, rows*u.n)
	for row := range rows {
		a := flat[row*u.n : (row+1)*u.n : (row+1)*u.n]
		present, err := readArgs(views, row, a)
		if err != nil {
			return err
		}
		if present {
			args[row] = a
		}
	}
	res := make([]string, rows)
	oks := make([]bool, rows)
	workers := min(runtime.GOMAXPROCS(0), rows/minRowsPerWorker)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for row := w * rows / workers; row < (w+1)*rows/workers; row++ {
				if args[row] != nil {
					res[row], oks[row] = u.fn(args[row])
				}
			}
		})
	}
	wg.Wait()
	for row := range rows {
		if err := u.put(out, row, args[row] != nil, res[row], oks[row]); err != nil {
			return err
		}
	}
	return nil
}

// erasedSet holds the SHA-256 of the erased subjects' normalised emails
// (the erasure tombstones) for pl_stage_email: a map never changed once
// stored, so the per-row lookups of DuckDB's threads take no lock.
type erasedSet struct {
	m       atomic.Pointer[map[[sha256.Size]byte]struct{}]
	refused atomic.Int64 // rows pl_stage_email answered 'erased'
}

// Erased is what pl_stage_email returns for a row of an erased subject.
const Erased = "erased"

// Refused is how many rows pl_stage_email has answered Erased since db
// was opened: the stage reads it before and after a source.
func (db *DB) Refused() int64 { return db.erased.refused.Load() }

// any reports whether there is a tombstone at all: without one nothing
// needs hashing.
func (s *erasedSet) any() bool {
	m := s.m.Load()
	return m != nil && len(*m) > 0
}

func (s *erasedSet) has(h [sha256.Size]byte) bool {
	m := s.m.Load()
	if m == nil {
		return false
	}
	_, ok := (*m)[h]
	return ok
}

// SetErasedEmails gives pl_stage_email the erasure tombstones: hex
// SHA-256 hashes of normalised emails, as the suppression store keeps them.
// It replaces any set given before. The stage calls it before it screens a
// source, so that a tombstone is one map lookup in Go per row instead of a
// hash string per row and a join in DuckDB.
func (db *DB) SetErasedEmails(hashes []string) error {
	m := make(map[[sha256.Size]byte]struct{}, len(hashes))
	for _, h := range hashes {
		var k [sha256.Size]byte
		if n, err := hex.Decode(k[:], []byte(h)); err != nil || n != sha256.Size || len(h) != 2*sha256.Size {
			return fmt.Errorf("erasure tombstone %q is not a hex SHA-256", h)
		}
		m[k] = struct{}{}
	}
	db.erased.m.Store(&m)
	return nil
}

// EmailBucket is normalize.EmailBucket: the subject bucket of a
// normalised email among n.
func EmailBucket(norm string, n int) int { return normalize.EmailBucket(norm, n) }

// bucketText is strconv.Itoa without an allocation for the numbers
// pl_stage_email returns (below normalize.EmailModulus's 65536): their
// texts are made once, on the first call.
func bucketText(b int) string {
	if b < 0 || b >= maxBucketText {
		return strconv.Itoa(b)
	}
	return bucketTexts()[b]
}

const maxBucketText = 1 << 16

var bucketTexts = sync.OnceValue(func() []string {
	out := make([]string, maxBucketText)
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
})

var invalidEmailType = string(normalize.EmailInvalid)

var functions = map[string]func(db *DB) duckdb.ScalarFunc{
	"pl_email": func(*DB) duckdb.ScalarFunc {
		return &udf{n: 1, fn: func(a []string) (string, bool) { return normalize.Email(a[0]) }}
	},
	"pl_stage_email":  stageEmail,
	"pl_stage_erased": stageErased,
	"pl_name_sub": func(*DB) duckdb.ScalarFunc {
		return &udf{n: 2, fn: func(a []string) (string, bool) { return bucketText(normalize.NameSub(a[0], a[1])), true }}
	},
	"pl_domain": func(*DB) duckdb.ScalarFunc {
		return &udf{n: 1, fn: func(a []string) (string, bool) { return normalize.Domain(a[0]) }}
	},
	"pl_email_type": func(*DB) duckdb.ScalarFunc {
		return &udf{n: 1, onNull: &invalidEmailType, fn: func(a []string) (string, bool) {
			return string(normalize.ClassifyEmail(a[0], true)), true
		}}
	},
	"pl_phone": func(*DB) duckdb.ScalarFunc {
		return &udf{n: 2, costly: true, fn: func(a []string) (string, bool) { return normalize.PossiblePhone(a[0], a[1]) }}
	},
}

var registerMu sync.Mutex

// registerFunctions registers the pl_* functions of db on a connection. It
// is idempotent per database: DuckDB keeps them in its catalog, for every
// connection, and a database file opened twice in one process is one
// DuckDB instance (duckdb-go's instance cache), whose catalog may have them
// already (functionsRegistered). Once they are there, db remembers it and
// does not ask again. Safe for concurrent use.
func registerFunctions(ctx context.Context, c *sql.Conn, db *DB) error {
	if db.funcs.Load() {
		return nil
	}
	registerMu.Lock()
	defer registerMu.Unlock()
	if db.funcs.Load() {
		return nil
	}
	exists, err := functionsRegistered(ctx, c)
	if err != nil {
		return fmt.Errorf("register functions: %w", err)
	}
	if !exists {
		for name, mk := range functions {
			if err := duckdb.RegisterScalarUDF(c, name, mk(db)); err != nil {
				return fmt.Errorf("register %s: %w", name, err)
			}
		}
		if err := registerTableFunctions(c, db); err != nil {
			return err
		}
	}
	db.funcs.Store(true)
	return nil
}

// functionsRegistered reports whether c's database has the pl_* functions
// in its catalog: sql/udf_registered.sql names one, so preparing it (DuckDB
// binds while it prepares; nothing runs) fails with a Catalog Error when
// they are not there. Asking duckdb_functions() instead lists every
// function DuckDB has, which cost more than opening the warehouse.
func functionsRegistered(ctx context.Context, c *sql.Conn) (bool, error) {
	st, err := c.PrepareContext(ctx, SQL("udf_registered"))
	var de *duckdb.Error
	if errors.As(err, &de) && de.Type == duckdb.ErrorTypeCatalog {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, st.Close()
}
