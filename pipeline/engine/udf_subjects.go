package engine

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/example/pipeline/pipeline/normalize"
)

// The subjects a people source's stage gave: pl_stage_email hashes every
// email it buckets (a valid one, not refused) into the set CollectSubjects
// starts, so that the run's retention bookkeeping (sql/seen_now.sql)
// reads the source's subject_keys from pl_staged_subjects(source) instead
// of normalising and hashing every staged email a second time.
//
// One source is collected at a time (the stage stages its sources one
// after another); the keys are held in memory, 32 bytes a row, until
// ForgetSubjects.

// subjectSet is what pl_stage_email collects into while on, and what
// pl_staged_subjects serves, by source. Keys are kept as the chunks
// pl_stage_email hashed them in (at most a DuckDB chunk each), so that
// collecting never copies what it has.
type subjectSet struct {
	mu      sync.Mutex
	on      bool
	keys    []subjectChunk            // being collected
	sources map[string][]subjectChunk // kept, by source
}

type subjectChunk [][sha256.Size]byte

// CollectSubjects starts collecting the subject of every row
// pl_stage_email buckets, forgetting any collection not ended.
func (db *DB) CollectSubjects() {
	s := &db.subjects
	s.mu.Lock()
	defer s.mu.Unlock()
	s.on, s.keys = true, nil
}

// EndSubjects ends the collection CollectSubjects started and keeps what
// it collected as source's, served by pl_staged_subjects(source) until
// ForgetSubjects. Call it only once the stage's statement succeeded: the
// rows it hashed are then the rows staged. Each row is one key: a subject
// staged twice is there twice.
func (db *DB) EndSubjects(source string) {
	s := &db.subjects
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sources == nil {
		s.sources = map[string][]subjectChunk{}
	}
	s.sources[source], s.on, s.keys = s.keys, false, nil
}

// StopSubjects ends a collection without keeping it (the stage failed).
func (db *DB) StopSubjects() {
	s := &db.subjects
	s.mu.Lock()
	defer s.mu.Unlock()
	s.on, s.keys = false, nil
}

// ForgetSubjects drops every source's kept subjects.
func (db *DB) ForgetSubjects() {
	s := &db.subjects
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sources = nil
}

// collecting reports whether pl_stage_email should hash its rows' emails.
func (s *subjectSet) collecting() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.on
}

// add keeps one chunk's keys, if the collection is still on: at most a
// DuckDB chunk (pl_stage_email's input chunk), which subjectSource serves
// as one; an empty one is not kept (an empty chunk ends a table
// function's thread).
func (s *subjectSet) add(keys subjectChunk) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.on && len(keys) > 0 {
		s.keys = append(s.keys, keys)
	}
}

// served returns source's kept keys.
func (s *subjectSet) served(source string) ([]subjectChunk, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys, ok := s.sources[source]
	return keys, ok
}

// stagedSubjects is pl_staged_subjects(source VARCHAR) -> TABLE(subject_key
// VARCHAR): the hex SHA-256 of each email pl_stage_email bucketed while
// source was collected, one row per staged row, in no order, served on
// as many of DuckDB's threads as the database has. A source never
// collected is an error, not an empty table: the caller would otherwise
// record nobody as seen.
func stagedSubjects(db *DB) duckdb.ParallelChunkTableFunction {
	vc, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	return duckdb.ParallelChunkTableFunction{
		Config: duckdb.TableFunctionConfig{Arguments: []duckdb.TypeInfo{vc}},
		BindArguments: func(_ map[string]any, args ...any) (duckdb.ParallelChunkTableSource, error) {
			source, _ := args[0].(string)
			keys, ok := db.subjects.served(source)
			if !ok {
				return nil, fmt.Errorf("pl_staged_subjects: source %q was not staged by this run", source)
			}
			threads := db.settings.Threads
			if threads < 1 { // DuckDB's default: a thread a core
				threads = runtime.NumCPU()
			}
			return &subjectSource{keys: keys, col: vc, threads: threads}, nil
		},
	}
}

// subjectSource serves one source's keys, one kept chunk (never larger
// than a DuckDB chunk, never empty: see add) per call, to whichever
// thread asks next.
type subjectSource struct {
	keys    []subjectChunk
	next    atomic.Int64 // the chunk to serve next
	col     duckdb.TypeInfo
	threads int
}

func (s *subjectSource) ColumnInfos() []duckdb.ColumnInfo {
	return []duckdb.ColumnInfo{{Name: "subject_key", T: s.col}}
}

func (s *subjectSource) Cardinality() *duckdb.CardinalityInfo {
	n := 0
	for _, k := range s.keys {
		n += len(k)
	}
	return &duckdb.CardinalityInfo{Cardinality: uint(n), Exact: true}
}

// Init: without a number, DuckDB runs a table function on one thread.
func (s *subjectSource) Init() duckdb.ParallelTableSourceInfo {
	return duckdb.ParallelTableSourceInfo{MaxThreads: s.threads}
}

func (s *subjectSource) NewLocalState() any { return &struct{}{} }

func (s *subjectSource) FillChunk(_ any, chunk duckdb.DataChunk) error {
	var rows subjectChunk
	if i := s.next.Add(1) - 1; i < int64(len(s.keys)) {
		rows = s.keys[i]
	}
	if err := chunk.SetSize(len(rows)); err != nil { // the writer checks its rows against the size
		return err
	}
	v, err := chunk.GetVector(0)
	if err != nil {
		return err
	}
	w, err := duckdb.GetVectorWriter[string](v)
	if err != nil {
		return err
	}
	var buf [2 * sha256.Size]byte
	text := unsafe.String(&buf[0], len(buf)) // DuckDB copies what Set gives it
	for i, k := range rows {
		hex.Encode(buf[:], k[:])
		if err := w.Set(i, text); err != nil {
			return err
		}
	}
	return nil
}

// registerTableFunctions registers pl_staged_subjects on c.
func registerTableFunctions(c *sql.Conn, db *DB) error {
	if err := duckdb.RegisterTableUDF(c, "pl_staged_subjects", stagedSubjects(db)); err != nil {
		return fmt.Errorf("register pl_staged_subjects: %w", err)
	}
	return nil
}

// stageEmail is pl_stage_email (see functions). While CollectSubjects is
// on, every email it buckets is hashed and its key added, a chunk's keys
// at once.
func stageEmail(db *DB) duckdb.ScalarFunc {
	row := func(a []string, keys *subjectChunk) (string, bool) {
		n, err := strconv.Atoi(a[1])
		if err != nil || n < 1 {
			return "", false
		}
		var buf [normalize.MaxEmailLen]byte // on the stack: no allocation per row
		e, ok := normalize.AppendEmail(buf[:0], a[0])
		if !ok {
			return "", false
		}
		screen := db.erased.any() || db.expired.any()
		if screen || keys != nil {
			h := sha256.Sum256(e)
			if screen {
				if s, refused := db.screen(h); refused {
					return s, true
				}
			}
			if keys != nil {
				*keys = append(*keys, h)
			}
		}
		return bucketText(normalize.EmailBucketBytes(e, n)), true
	}
	return &udf{n: 2, volatile: true,
		chunk: func() (func([]string) (string, bool), func()) {
			if !db.subjects.collecting() {
				return func(a []string) (string, bool) { return row(a, nil) }, func() {}
			}
			keys := make(subjectChunk, 0, duckdb.GetDataChunkCapacity())
			return func(a []string) (string, bool) { return row(a, &keys) }, func() { db.subjects.add(keys) }
		}}
}
