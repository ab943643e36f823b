package classify

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/engine"
)

// Result is the classification of one column: one row of the catalog.
type Result struct {
	Dataset, Column string
	// Category is one of the taxonomy's categories (see [Categories]).
	Category string
	// Personal is the taxonomy's personal flag for Category.
	Personal bool
	// Confidence is in 0..1.
	Confidence float64
	// Method is how Category was decided: name | values | pinned.
	Method string
	// Evidence explains the decision in words: method, match ratio, sample
	// size, pattern or rule name. It never contains raw values.
	Evidence string
	// LooksPersonal is set on a column left unknown (or operational) whose
	// sampled values partly match a personal detector (at least
	// [WeakShare] of them and two rows) without reaching the threshold;
	// the export gate refuses such columns.
	LooksPersonal bool `json:",omitempty"`
	// FreeText is set on a column left unknown whose sampled values are
	// free text (see [IsFreeText]): nothing says what people wrote in
	// it, so the export gate refuses it until it is pinned.
	FreeText bool `json:",omitempty"`
}

// Options tune [Table]. The zero value is usable.
type Options struct {
	// SampleSize is the number of rows sampled per table (reservoir
	// sampling in DuckDB); 0 means 1000.
	SampleSize int
	// Threshold is the share of non-empty sampled values a value detector
	// must match for the column to take its category; 0 means 0.8.
	Threshold float64
	// Pins maps "dataset.column" to a category; a pin overrides detection.
	Pins map[string]string
	// Now is the reference date for the age window of dates of birth;
	// the zero value means time.Now().
	Now time.Time
	// Catalog, when set, is the attached database that holds the table.
	Catalog string
	// RawDir, when set, is the folder of the table's raw Parquet files,
	// read instead of the table (sql/read_raw.sql): a large one is then
	// sampled by its file_row_number, one DuckDB vector in every stride of
	// rows, so that only those vectors are decoded (a system sample would
	// read every row of a Parquet scan).
	RawDir string
}

// Defaults and fixed floors of the value detectors.
const (
	DefaultSampleSize = 1000
	DefaultThreshold  = 0.8
	// SpecialShare and SpecialMinRows: a column is special-category by
	// vocabulary when at least this share of its non-empty sampled values
	// mention an Art. 9 term AND at least SpecialMinRows rows do. Lower than
	// Threshold on purpose: a notes column where one value in twenty
	// mentions a diagnosis holds health data.
	SpecialShare   = 0.05
	SpecialMinRows = 3
	// MinMatches is the least number of matching values a value category
	// needs, whatever the share: a column never takes a category from one
	// value.
	MinMatches = 2
	// WeakShare is the share from which a non-conclusive personal match
	// marks an unknown column as [Result.LooksPersonal].
	WeakShare = 0.2
)

func (o Options) withDefaults() Options {
	if o.SampleSize <= 0 {
		o.SampleSize = DefaultSampleSize
	}
	if o.Threshold <= 0 || o.Threshold > 1 {
		o.Threshold = DefaultThreshold
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o
}

// Table classifies every column of one DuckDB table: by name, then by
// values over a reservoir sample taken in DuckDB, and pins override both.
// table is an unquoted table name; it is quoted here. Results come in the
// table's column order. Table only reads; it is safe to call concurrently.
func Table(ctx context.Context, db Querier, dataset, table string, opts Options) ([]Result, error) {
	opts = opts.withDefaults()
	rel := relation{Catalog: opts.Catalog, Table: table}
	if opts.RawDir != "" {
		rel.Raw = engine.Scan{RawDir: opts.RawDir}
	}
	cols, err := columns(ctx, db, rel)
	if err != nil {
		return nil, fmt.Errorf("classify %s: %w", dataset, err)
	}
	n, err := countRows(ctx, db, rel)
	if err != nil {
		return nil, fmt.Errorf("classify %s: %w", dataset, err)
	}
	// An empty table (a run's rejects, usually) has no values to sample:
	// its columns are classified by name, as detection over no rows would
	// leave them, without the detection query (tens of milliseconds of
	// binding for nothing).
	stats := map[string]colStats{}
	if n > 0 {
		if stats, err = detect(ctx, db, detectSource{Sample: samplePlan(rel, n, opts)}, opts.Now); err != nil {
			return nil, fmt.Errorf("classify %s: %w", dataset, err)
		}
	}
	out := make([]Result, 0, len(cols))
	for _, c := range cols {
		out = append(out, decide(dataset, c, stats[c], opts))
	}
	return out, nil
}

// PreSampleRows is about how many rows the reservoir sample draws from on
// a large table (see sample.sql): 64 DuckDB vectors, and never fewer than
// 64 times the sample size. A table of up to four times that is sampled
// whole.
const PreSampleRows = 64 * vectorRows

// vectorRows is DuckDB's vector size.
const vectorRows = 2048

// samplePlan is sample.sql's data for a relation of n rows: a reservoir
// over all of it, or, past four times PreSampleRows (or 64 times the sample
// size), over a system sample of about that many rows, or over one vector
// in every Stride rows of each file of a Parquet scan.
func samplePlan(rel relation, n int64, opts Options) map[string]any {
	data := map[string]any{"Rel": rel, "SampleSize": opts.SampleSize, "SystemPercent": 0.0, "Stride": int64(0)}
	if want := max(int64(PreSampleRows), 64*int64(opts.SampleSize)); n > 4*want {
		if opts.RawDir != "" {
			data["Stride"] = vectorRows * ((n + want - 1) / want)
		} else {
			data["SystemPercent"] = 100 * float64(want) / float64(n)
		}
	}
	return data
}

// relation is what classify reads (sql/classify/relation.sql).
type relation struct {
	Catalog, Table string      // unquoted
	Raw            engine.Scan // Options.RawDir's files (zero: read the table)
}

// countRows counts rel's rows.
func countRows(ctx context.Context, db Querier, rel relation) (int64, error) {
	q, err := engine.Render("classify/count", rel)
	if err != nil {
		return 0, err
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
	}
	return n, rows.Err()
}

// columns lists a relation's columns in order without reading rows.
func columns(ctx context.Context, db Querier, rel relation) ([]string, error) {
	q, err := engine.Render("classify/columns", rel)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return rows.Columns()
}

// decide combines the name match, the value statistics and pins into the
// column's result, in this order:
//
//  1. a pin wins (method pinned; the evidence says what detection found);
//  2. a special-category name, then special-category vocabulary in at
//     least SpecialShare of the values and SpecialMinRows rows;
//  3. a value category (share >= threshold, >= MinMatches rows) that agrees
//     with the name, or confirms a B2B name (a company mailbox holds
//     emails): the name's category;
//  4. a personal value category overrules any other name (an unknown
//     column of emails is contact.email); a non-personal one only fills an
//     unknown name and never downgrades a personal name;
//  5. a column the name leaves unknown whose values hold an email address
//     inside other text (a rejected raw line, a free-text note) in at
//     least MinMatches values, or in every sampled value: contact.email
//     (personal, fail closed);
//  6. otherwise the name's category, flagged LooksPersonal when it is not
//     personal but some values look personal.
func decide(dataset, column string, st colStats, opts Options) Result {
	nm := matchName(dataset, column)
	vc := st.best(nm.hint, opts.Threshold, MinMatches)
	res := Result{Dataset: dataset, Column: column}
	set := func(cat string, conf float64, method string, evidence ...string) Result {
		res.Category, res.Personal, res.Confidence, res.Method = cat, IsPersonal(cat), conf, method
		res.Evidence = strings.Join(nonEmpty(evidence), "; ")
		return res
	}
	nameEv := nameEvidence(nm)
	valueEv := ""
	if vc.ok {
		valueEv = vc.evidence(st.n)
	}

	if r, ok := pinned(dataset, column, opts.Pins); ok {
		det := nm.category
		if vc.ok {
			det = vc.category
		}
		r.Evidence += "; detection would say " + det
		return r
	}
	if nm.category == SpecialCategory {
		return set(SpecialCategory, nm.confidence, MethodName, nameEv)
	}
	if st.special >= SpecialMinRows && st.share(st.special) >= SpecialShare {
		return set(SpecialCategory, clamp(0.7+st.share(st.special)), MethodValues,
			fmt.Sprintf("values: special-category vocabulary in %.2f of %d sampled non-empty (%d rows; floor %.2f and %d rows)",
				st.share(st.special), st.n, st.special, SpecialShare, SpecialMinRows), nameEv)
	}
	if vc.ok {
		switch {
		case vc.category == nm.category:
			return set(vc.category, combine(nm.confidence, vc.share), MethodValues, valueEv, nameEv)
		case compatible(nm.category, vc.category):
			return set(nm.category, combine(nm.confidence, vc.share*0.5), MethodName, nameEv, valueEv+" (consistent with the name)")
		case IsPersonal(vc.category):
			// strong personal value evidence wins over any other name
			return set(vc.category, vc.share, MethodValues, valueEv, nameEv+" (overruled by values)")
		case nm.category == Unknown:
			return set(vc.category, vc.share*0.9, MethodValues, valueEv, nameEv)
		default:
			// non-personal value evidence never downgrades the name
			return set(nm.category, nm.confidence, MethodName, nameEv, valueEv+" (name kept)")
		}
	}
	if k := st.emailInside; nm.category == Unknown && k > 0 && (k >= MinMatches || k == st.n) {
		return set(ContactEmail, clamp(0.5+st.share(k)/2), MethodValues,
			fmt.Sprintf("values: an email address inside the text of %.2f of %d sampled non-empty (%d rows)", st.share(k), st.n, k), nameEv)
	}
	res = set(nm.category, nm.confidence, MethodName, nameEv)
	if res.Category == Unknown && st.isFreeText() {
		res.FreeText = true
		res.Evidence += fmt.Sprintf("; values are free text (%.2f of %d sampled non-empty are sentences, %d distinct)", st.share(st.freeText), st.n, st.distinct)
	}
	if !res.Personal && st.n > 0 {
		if w, ok := st.weakest(nm.hint); ok {
			res.LooksPersonal = true
			res.Evidence += "; values look partly personal: " + w
		}
	}
	return res
}

// compatible reports whether values of category vc confirm a B2B name
// category nm: a company mailbox holds emails, a switchboard holds phone
// numbers, a company address holds postcodes, a website holds URLs.
func compatible(nm, vc string) bool {
	switch nm {
	case CompanyOther:
		return vc == ContactEmail || vc == ContactPhone || vc == LocationAddress || vc == CompanyDomain
	case CompanyDomain:
		return vc == CompanyOther
	case OnlineProfileURL:
		return vc == CompanyDomain
	}
	return false
}

func combine(a, b float64) float64 { return clamp(1 - (1-a)*(1-b)) }

func clamp(f float64) float64 {
	switch {
	case f < 0:
		return 0
	case f > 1:
		return 1
	}
	return float64(int(f*1000+0.5)) / 1000
}

func nonEmpty(ss []string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Querier is what Table needs of a database: *sql.DB, *sql.Conn and
// *sql.Tx all qualify (a run classifies inside its own transaction).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
