package rights

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/flow"
	"github.com/example/pipeline/pipeline/normalize"
)

// DefaultIndexMinRows is the size from which a table is searched through a
// subject index rather than read whole.
const DefaultIndexMinRows = 250_000

// The subject index. A SAR or erasure on a large table reads every value
// of its identifier columns: about 3 s on a 10M-row source. A search can
// instead go through an index of (row id, 32-bit key) per large table,
// one entry per identifier value (sql/subject_index_build.sql, keys from
// normalize.*IndexKey), reading only the rows whose key is one of the
// subject's (or 0, "may match anyone") before applying the same exact
// predicate. The index only narrows; the predicate decides, so the answer
// is the same with or without it (TestIndexedSearchMatchesScan).
//
// Building it costs more than one scan (about 9 s for the 24M identifier
// values of a 10M-row source on 2 cores, most of it handing strings to Go
// and back), so it is built only where that pays: by a batch erasure
// (erase --emails-from), whose subjects then each search in a fraction of
// the time. Not by the nightly run, which would pay every night for
// requests that come a few times a month; not by a single SAR, which
// would wait longer than for a scan. A search uses an index that is
// already current.
//
// Row ids change when a run replaces a table or an erasure compacts the
// file, so both drop every index (flow.DropSubjectIndexes), as does a
// purge that deleted rows; an erasure's delete removes the entries of the
// rows it deletes, keeping the index usable for the rest of a batch;
// subject_index_state records the key version, DuckDB version, columns and
// row count each index was built from, and a stale one is never used.

// indexPart is one identifier column of an index and its key function.
type indexPart struct{ Fn, Column string }

// indexParts are the columns of m that the index covers, with their key
// functions (every identifier column the predicate matches on).
func indexParts(m matchCols) []indexPart {
	var ps []indexPart
	for _, c := range m.Email {
		ps = append(ps, indexPart{"pl_ikey_email", c})
	}
	for _, c := range m.Key {
		ps = append(ps, indexPart{"", c}) // compared exactly: the value is the key
	}
	fn := "pl_ikey_phone"
	if len(m.Name) > 0 {
		fn = "pl_ikey_phone_name"
	}
	for _, c := range m.Phone {
		ps = append(ps, indexPart{fn, c})
	}
	for _, c := range m.Profile {
		ps = append(ps, indexPart{"pl_ikey_profile", c})
	}
	return ps
}

// indexSignature identifies what an index of m is built from: the key
// version, DuckDB's version (its hash function makes the stored keys) and
// the columns.
func indexSignature(m matchCols, duckdbVersion string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "v%d;duckdb=%s;country=%s;names=%s", normalize.KeyVersion, duckdbVersion, m.Country, strings.Join(m.Name, ","))
	for _, p := range indexParts(m) {
		fmt.Fprintf(&b, ";%s(%s)", p.Fn, p.Column)
	}
	return b.String()
}

// ensureIndexes sets Index on every table of at least minRows rows that
// has a current subject index, first building those that are missing or
// stale when build is set. minRows < 0 turns the index off. A table
// whose index cannot be built is searched whole (logged, not fatal: the
// index is an optimisation).
func (f *Findings) ensureIndexes(ctx context.Context, c *sql.Conn, tables []matchCols, minRows int64, build bool) {
	if minRows < 0 {
		return
	}
	for i := range tables {
		m := &tables[i]
		idx, err := f.ensureIndex(ctx, c, *m, minRows, build)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			f.log.Warn().Err(err).Str("table", m.Table).Msg("subject index unavailable; searching the whole table")
			continue
		}
		m.Index = idx
	}
}

func (f *Findings) ensureIndex(ctx context.Context, c *sql.Conn, m matchCols, minRows int64, build bool) (string, error) {
	var rows int64
	q, err := render("table_rows", map[string]any{"Table": m.Table})
	if err != nil {
		return "", err
	}
	if err := c.QueryRowContext(ctx, q).Scan(&rows); err != nil {
		return "", err
	}
	if rows < minRows || len(indexParts(m)) == 0 {
		return "", nil
	}
	idx := flow.SubjectIndexTable(m.Table)
	var version string
	if err := c.QueryRowContext(ctx, "SELECT version()").Scan(&version); err != nil {
		return "", err
	}
	sig := indexSignature(m, version)
	p := params{"table": m.Table, "rows": rows, "signature": sig, "index": idx}
	q, err = render("subject_index_valid", nil)
	if err != nil {
		return "", err
	}
	var valid bool
	if err := c.QueryRowContext(ctx, q, p.args()...).Scan(&valid); err != nil {
		return "", err
	}
	if valid {
		return idx, nil
	}
	if !build {
		return "", nil
	}
	t0 := time.Now()
	if err := buildIndex(ctx, c, m, idx, rows, sig); err != nil {
		return "", err
	}
	f.log.Info().Str("table", m.Table).Int64("rows", rows).Dur("took", time.Since(t0)).Msg("subject index built")
	return idx, nil
}

// buildIndex (re)builds the index of m in one transaction.
func buildIndex(ctx context.Context, c *sql.Conn, m matchCols, idx string, rows int64, sig string) (err error) {
	if _, err := c.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_, _ = c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	data := map[string]any{"Table": m.Table, "Index": idx, "Parts": indexParts(m), "Country": m.Country, "Name": m.Name}
	if _, err := execT(ctx, c, "subject_index_build", data, nil); err != nil {
		return err
	}
	if _, err := execT(ctx, c, "subject_index_unrecord", nil, params{"table": m.Table}); err != nil {
		return err
	}
	if _, err := execT(ctx, c, "subject_index_record", nil, params{"table": m.Table, "rows": rows, "signature": sig, "now": time.Now().UTC()}); err != nil {
		return err
	}
	_, err = c.ExecContext(ctx, "COMMIT")
	return err
}

// errNoKey: an identifier the index cannot key (a phone number with fewer
// national digits than normalize.PhoneKeyDigits, or a phone on a table
// with names while the subject's name is not known).
var errNoKey = errors.New("identifier without an index key")

// lookupKeys are the index keys of everything known of the subject for
// table m (hashed in SQL as the index is, sql/subject_index_build.sql):
// its email, subject_key, profile URLs and phones — on a table with name
// columns, each phone with each of the subject's names (and AnyName).
func (f *Findings) lookupKeys(m matchCols) ([]string, error) {
	keys := append([]string{f.Subject.Email, f.Subject.Key}, f.Subject.Profiles...)
	if len(m.Phone) == 0 {
		return keys, nil
	}
	for _, p := range f.Subject.Phones {
		k, ok := normalize.PhoneLookupKey(p)
		if !ok {
			return nil, errNoKey
		}
		if len(m.Name) == 0 {
			keys = append(keys, k)
			continue
		}
		if len(f.Names) == 0 { // the predicate takes any name then
			return nil, errNoKey
		}
		for _, n := range append([]string{normalize.AnyName}, f.Names...) {
			keys = append(keys, normalize.PhoneNameLookupKey(k, n))
		}
	}
	return keys, nil
}
