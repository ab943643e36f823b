package rights

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/example/pipeline/pipeline/classify"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/normalize"
	"github.com/example/pipeline/pipeline/warehouse"
)

// catalogTables reads the catalog: every existing table with at least one
// identifier column, in config order (sources, then derived tables).
func catalogTables(ctx context.Context, c *sql.Conn, cfg *config.Config) ([]matchCols, error) {
	rows, err := c.QueryContext(ctx, engine.SQL("catalog_match_columns"))
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	defer rows.Close()
	byTable := map[string]*matchCols{}
	var order []string
	for rows.Next() {
		var ds, table, col, cat string
		var personal bool
		if err := rows.Scan(&ds, &table, &col, &cat, &personal); err != nil {
			return nil, err
		}
		m := byTable[table]
		if m == nil {
			m = &matchCols{Table: table, personal: map[string]string{}, columns: map[string]bool{}}
			byTable[table] = m
			order = append(order, table)
		}
		switch cat {
		case classify.ContactEmail:
			m.Email = append(m.Email, col)
		case classify.PseudonymousSubjectKey:
			m.Key = append(m.Key, col)
		case classify.ContactPhone:
			m.Phone = append(m.Phone, col)
		case classify.OnlineProfileURL:
			m.Profile = append(m.Profile, col)
		case classify.IdentityName:
			m.Name = append(m.Name, col)
		}
		if col == "country" {
			m.Country = col
		}
		m.columns[col] = true
		if personal {
			m.personal[col] = cat
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rank := map[string]int{}
	for i, name := range cfg.SourceOrder {
		rank[warehouse.RawTable(name)] = i
	}
	rank["prospects"], rank["deliverable"] = len(rank), len(rank)+1
	sort.SliceStable(order, func(i, j int) bool {
		ri, iok := rank[order[i]]
		rj, jok := rank[order[j]]
		if iok != jok {
			return iok
		}
		if iok {
			return ri < rj
		}
		return order[i] < order[j]
	})
	layouts, err := warehouse.RawLayouts(ctx, c)
	if err != nil {
		return nil, err
	}
	var out []matchCols
	for _, t := range order {
		m := byTable[t]
		if len(m.Email)+len(m.Key)+len(m.Phone)+len(m.Profile) == 0 {
			continue
		}
		m.From = engine.Scan{Table: m.Table}
		if l, ok := layouts[m.Table]; ok {
			m.Raw, m.From = &l, engine.Scan{RawDir: l.Dir}
		}
		out = append(out, *m)
	}
	return out, nil
}

// bucketFilter narrows the search of a subject-bucketed raw table to the
// buckets that can hold a row of the subject (flow/rawfiles.go): a row
// matched by email is in the email's bucket; a row reached through a
// phone or profile URL carries no other valid email (sar_predicate.sql),
// so it is in that bucket or in none (_bucket NULL). That holds only when
// the bucketed email column is the table's one identifier column of its
// kind and there is no subject_key column; otherwise every row is read
// (nil).
func (f *Findings) bucketFilter(d matchCols) *bucketRule {
	l := d.Raw
	if l == nil || l.Buckets < 1 || f.Subject.Email == "" || len(d.Key) > 0 || len(d.Email) != 1 || d.Email[0] != l.BucketColumn {
		return nil
	}
	r := &bucketRule{N: engine.EmailBucket(f.Subject.Email, l.Buckets), Own: true}
	if d.columns[subColumn] {
		r.Sub = normalize.EmailSub(f.Subject.Email, l.Buckets)
		r.HasSub = true
	}
	switch {
	case d.HopOnly:
		return &bucketRule{Null: true}
	case len(d.Phone)+len(d.Profile) > 0:
		r.Null = true
	}
	return r
}

// subColumn is the raw people files' sub-bucket column (the stage's
// normalize.EmailSub of the email; absent from files an earlier version
// wrote, which are then searched by _bucket alone).
const subColumn = "_email_sub"

// bucketRule is sar_match.sql's filter on a bucketed raw table's _bucket
// (bucketFilter): the subject's bucket N (Own; with HasSub, only its rows
// of sub-bucket Sub), the rows without a bucket (Null), or either. Typed,
// so the template prints only integers.
type bucketRule struct {
	N, Sub            int
	Own, Null, HasSub bool
}

// datasetOf maps a warehouse table to its dataset name.
func datasetOf(table string) string {
	if strings.HasPrefix(table, "raw_") {
		return strings.TrimPrefix(table, "raw_")
	}
	return table
}

// emailNeedle is the text every raw value that normalises to email
// contains once lower-cased: its local part when that is ASCII. A
// non-ASCII local part gives "" (contained in everything: no filtering).
// See sql/sar_predicate.sql.
func emailNeedle(email string) string {
	local, _ := normalize.SplitEmail(email)
	for i := 0; i < len(local); i++ {
		if local[i] >= 0x80 {
			return ""
		}
	}
	return local
}

// phoneLike is a LIKE pattern every written form of an E.164 number
// matches: the last six digits of its national significant number in
// order, anything around and between them ("+442079460228" ->
// "%4%6%0%2%2%8%"). A national number shorter than six digits gives all
// of its digits: a national form ("22158" in Saint Helena) does not
// contain the country code.
func phoneLike(e164 string) string {
	d := normalize.NationalNumber(e164)
	if len(d) > 6 {
		d = d[len(d)-6:]
	}
	var b strings.Builder
	b.WriteByte('%')
	for _, r := range d {
		b.WriteRune(r)
		b.WriteByte('%')
	}
	return b.String()
}

// search is one table's search by findTables: what it searches (m, as
// predicateData and narrowToBuckets made it: d) and what it found.
type search struct {
	m    matchCols
	d    matchCols
	rows []Row
	cols []string
	took time.Duration
	err  error
}

// searches are the tables' searches of findTables' pass (hop: the
// second), each narrowed to the buckets and, in the hop's pass, to the
// names that can hold the subject; tables no file of which can hold the
// subject are left out.
func (f *Findings) searches(tables []matchCols, hop bool) ([]*search, error) {
	var todo []*search
	for _, m := range tables {
		d := f.predicateData(m)
		if hop {
			// a keyed table's search keeps only rows with the subject's
			// key, which the first pass already found (keyed.go)
			if !d.Hop.Active() && d.Derived == nil || d.Keyed != "" {
				continue
			}
			d.HopOnly = true
			d.NameFilter = f.nameFilters(d)
		}
		if some, err := f.narrowToBuckets(&d); err != nil || !some {
			if err != nil {
				return nil, fmt.Errorf("search %s: %w", m.Table, err)
			}
			continue // no file holds the buckets that can hold the subject
		}
		d.NameSubs = f.nameSubsFor(d) // (after narrowToBuckets: by d.Bucket)
		todo = append(todo, &search{m: m, d: d})
	}
	return todo, nil
}

// findTables searches every table. The first pass finds the rows matched
// by email or subject_key; the second (hop) adds, to the same hits, the
// rows reached only through the phones and profile URLs found by the
// first, searching only tables that have such columns.
func (f *Findings) findTables(ctx context.Context, conns []*sql.Conn, tables []matchCols, hop bool) error {
	step := "email"
	if !hop {
		f.Tables = f.Tables[:0]
	} else {
		step = "hop"
	}
	todo, err := f.searches(tables, hop)
	if err != nil {
		return err
	}
	// the searches only read f; the hits are added in table order below
	p := f.params()
	work := make(chan *search)
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				t0 := time.Now()
				s.rows, s.cols, s.err = searchTable(ctx, c, s.d, p)
				s.took = time.Since(t0)
			}
		}()
	}
	for _, s := range todo {
		work <- s
	}
	close(work)
	wg.Wait()
	for _, s := range todo {
		if s.err != nil {
			return fmt.Errorf("search %s: %w", s.m.Table, s.err)
		}
		f.log.Debug().Str("step", step).Str("table", s.m.Table).Int("rows", len(s.rows)).Dur("duration_ms", s.took).Msg("subject search")
		if len(s.rows) > 0 {
			ids, files, err := takeRowIDs(s.rows)
			if err != nil {
				return fmt.Errorf("search %s: %w", s.m.Table, err)
			}
			cols := s.cols[1:]
			if files != nil {
				cols = cols[1:]
			}
			f.addHit(s.m, s.rows, cols, ids, files)
		}
	}
	if hop { // keep the catalog's table order
		rank := map[string]int{}
		for i, m := range tables {
			rank[m.Table] = i
		}
		sort.SliceStable(f.Tables, func(i, j int) bool { return rank[f.Tables[i].Table] < rank[f.Tables[j].Table] })
	}
	return nil
}

// searchTable finds the subject's rows of one table: their ids by the
// predicate (sar_match.sql), then those rows whole (sar_rows.sql), with
// the ids first.
func searchTable(ctx context.Context, c *sql.Conn, d matchCols, p params) ([]Row, []string, error) {
	found, _, err := queryRowsT(ctx, c, "sar_match", d, p)
	if err != nil || len(found) == 0 {
		return nil, nil, err
	}
	ids, inFiles, err := takeRowIDs(found)
	if err != nil {
		return nil, nil, err
	}
	files, byFile := groupByFile(ids, inFiles)
	var rows []Row
	var cols []string
	for _, file := range files {
		q := d
		q.RowIDs = byFile[file]
		var fp params
		if d.Raw != nil {
			fp = params{"file": file}
		}
		r, cs, err := queryRowsT(ctx, c, "sar_rows", q, fp)
		if err != nil {
			return nil, nil, err
		}
		rows, cols = append(rows, r...), cs
	}
	if len(rows) != len(found) {
		return nil, nil, fmt.Errorf("%d rows found but %d read back; the table changed during the search, search again", len(found), len(rows))
	}
	return rows, cols, nil
}

// takeRowIDs removes sar_match.sql's rowid (and raw file) columns from
// each row and returns them; files is nil for a warehouse table.
func takeRowIDs(rows []Row) (ids []int64, files []string, err error) {
	ids = make([]int64, len(rows))
	for i, r := range rows {
		id, ok := r[rowIDColumn].(int64)
		if !ok {
			return nil, nil, fmt.Errorf("row without a rowid (%T)", r[rowIDColumn])
		}
		ids[i] = id
		delete(r, rowIDColumn)
		if file, ok := r[fileColumn]; ok {
			if files == nil {
				files = make([]string, len(rows))
			}
			files[i] = fmt.Sprint(file)
			delete(r, fileColumn)
		}
	}
	return ids, files, nil
}

// groupByFile groups row ids by the raw file each is in (files from
// takeRowIDs; nil for a warehouse table, whose ids all go under ""), the
// files in the order first seen.
func groupByFile(ids []int64, files []string) ([]string, map[string][]int64) {
	byFile := map[string][]int64{}
	var order []string
	for i, id := range ids {
		file := ""
		if files != nil {
			file = files[i]
		}
		if _, seen := byFile[file]; !seen {
			order = append(order, file)
		}
		byFile[file] = append(byFile[file], id)
	}
	return order, byFile
}

func (f *Findings) addHit(m matchCols, rows []Row, cols []string, ids []int64, files []string) {
	var h *TableHit
	for i := range f.Tables {
		if f.Tables[i].Table == m.Table {
			h = &f.Tables[i]
		}
	}
	if h == nil {
		f.Tables = append(f.Tables, TableHit{Dataset: datasetOf(m.Table), Table: m.Table, Columns: cols, match: m})
		h = &f.Tables[len(f.Tables)-1]
	}
	// a row found twice (by the request's phone and by the hop) is listed,
	// counted and deleted once
	seen := map[string]bool{}
	for i, id := range h.rowIDs {
		seen[rowRef(h.files, i, id)] = true
	}
	for i, r := range rows {
		ref := rowRef(files, i, ids[i])
		if seen[ref] {
			continue
		}
		seen[ref] = true
		h.Rows = append(h.Rows, r)
		h.rowIDs = append(h.rowIDs, ids[i])
		if files != nil {
			h.files = append(h.files, files[i])
		}
	}
	cats := map[string]bool{}
	srcs := map[string]bool{}
	h.FirstSeen = time.Time{}
	for _, r := range h.Rows {
		for col, cat := range m.personal {
			if v := r[col]; v != nil && v != "" {
				cats[cat] = true
			}
		}
		if ts, ok := r["_loaded_at"].(string); ok {
			if t, err := time.Parse(time.RFC3339, ts); err == nil && (h.FirstSeen.IsZero() || t.Before(h.FirstSeen)) {
				h.FirstSeen = t
			}
		}
		if s, ok := r["_source"].(string); ok {
			srcs[s] = true
		}
		if l, ok := r["_sources"].([]any); ok {
			for _, s := range l {
				srcs[fmt.Sprint(s)] = true
			}
		}
	}
	h.Categories = keys(cats)
	h.Sources = keys(srcs)
}

// matchedDirectly reports whether a row belongs to the subject by its email
// or subject_key (not only through the identity-graph hop).
func (f *Findings) matchedDirectly(m matchCols, r Row) bool {
	for _, col := range m.Key {
		if v, ok := r[col].(string); ok && v == f.Subject.Key {
			return true
		}
	}
	for _, col := range m.Email {
		if v, ok := r[col].(string); ok {
			if n, ok := normalize.Email(v); ok && n == f.Subject.Email {
				return true
			}
		}
	}
	return false
}
