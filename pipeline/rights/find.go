package rights

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/classify"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/flow"
	"github.com/example/pipeline/pipeline/normalize"
)

// FindOptions tune Find.
type FindOptions struct {
	// Deep scans every Parquet file of every export, not only the files
	// the lineage index names.
	Deep bool
	// Connectors, when set, lets Find ask export sinks that implement
	// connectors.Locator (other than the built-in parquet sink, whose
	// files Find reads itself).
	Connectors flow.Connectors
	// Log receives one debug line per search (dataset, rows, duration);
	// the zero value logs nothing.
	Log zerolog.Logger
	// DB, when set, is the database c belongs to: Find then searches on
	// two more of its connections at once.
	DB *engine.DB
}

// matchCols are a table's identifier columns by category: the data of
// sar_predicate.sql.
type matchCols struct {
	Table                      string
	Email, Key, Phone, Profile []string
	Name                       []string // identity.name columns: guard the identity-graph hop
	Country                    string
	Explicit, Hop              idBlock           // sar_predicate.sql: the request's identifiers, the hop's (see predicateData)
	Derived                    *derivedCols      // sar_predicate.sql: rows whose derived email is the subject's (see derived.go)
	HopOnly                    bool              // only rows reached through the hop (the second pass)
	RowIDs                     string            // erase_delete.sql: the rowids found, comma-separated integers
	Raw                        *flow.RawLayout   // the table's raw files (nil: a warehouse table)
	From                       string            // sar_match.sql: how to read the table
	RowID                      string            // sar_match.sql: the row's id within From
	Bucket                     string            // sar_match.sql: the buckets that can hold the subject (see bucketFilter)
	personal                   map[string]string // column -> category, personal columns only
	columns                    map[string]bool   // every column of the table
}

// TableHit is one warehouse table holding rows of the subject.
type TableHit struct {
	Dataset    string
	Table      string
	Rows       []Row
	Columns    []string
	Categories []string
	FirstSeen  time.Time
	Sources    []string
	match      matchCols
	rowIDs     []int64  // of Rows, as the search read them (erasure deletes by them)
	files      []string // of Rows, the raw file each is in (raw tables only)
}

// Lineage is one line of the export lineage index for the subject.
type Lineage struct {
	Export, Campaign, Recipient, Dir, File, RunID string
	ExportedAt                                    time.Time
}

// ExportHit is one export whose files hold the subject, confirmed by
// reading them.
type ExportHit struct {
	Export, Campaign, Recipient string
	Dir                         string
	Files                       []string       // absolute paths of files holding the subject
	FileRows                    map[string]int // subject rows per file
	Rows                        []Row
	FirstExported               time.Time
	InLineage                   bool // false: found only by a deep scan
}

// SinkHit is where a sink with the Locate capability holds the subject.
type SinkHit struct {
	Export, Connector string
	Locations         []connectors.Location
}

// Findings is everything held on one subject.
type Findings struct {
	Subject     Subject
	Country     string // default region used to read national phone numbers
	Tables      []TableHit
	Rejects     []Row
	Suppression []Row
	Lineage     []Lineage
	Exports     []ExportHit
	Sinks       []SinkHit
	Audit       []audit.Entry
	Tombstoned  bool
	// Names are the name keys (NameKey) on rows matched by email or
	// subject_key: a row reached only through a shared phone or profile URL
	// must carry one of them, so a SAR never discloses (and an erasure never
	// deletes) a colleague who shares a switchboard number. None: no hop.
	Names []string
	// NotFollowed are the identifiers found on the subject's rows that the
	// hop did not follow, and why.
	NotFollowed []NotFollowed

	// rowPhones and rowProfiles are the identifiers expand found on the
	// subject's own rows that the request did not give (Subject.Phones
	// and Subject.Profiles less these are the request's own: matched
	// exactly, never hopped from); hopPhones and hopProfiles those of them
	// the hop follows.
	rowPhones, rowProfiles []string
	hopPhones, hopProfiles []string
	// derivedFirst and derivedLast are the names on the subject's rows
	// whose email was derived from the company's pattern (derived.go)
	derivedFirst, derivedLast string

	log zerolog.Logger
}

// Rows is the number of rows found in tables, rejects and exports.
func (f *Findings) Rows() int {
	n := len(f.Rejects)
	for _, t := range f.Tables {
		n += len(t.Rows)
	}
	for _, e := range f.Exports {
		n += len(e.Rows)
	}
	return n
}

// Find looks for the subject everywhere: the warehouse tables through the
// catalog (expanded once through the phones and profile URLs found on the
// subject's rows), the rejects, the suppression store, the audit log, the
// exports (lineage, confirmed by reading the files) and sinks that can
// locate. c must have the pl_* functions (engine.DB.Conn).
func Find(ctx context.Context, c *sql.Conn, cfg *config.Config, s Subject, opts FindOptions) (*Findings, error) {
	if err := ensureTables(ctx, c); err != nil {
		return nil, err
	}
	f := &Findings{Subject: s, Country: "GB", log: opts.Log.With().Str("subject_key", s.Key).Logger()}
	tables, err := catalogTables(ctx, c, cfg)
	if err != nil {
		return nil, err
	}
	// The datasets found by the subject's email and key alone (rejects,
	// audit log, exports), then the suppression store, which is searched
	// for the phones found on the subject's rows too: it waits until the
	// tables' first pass has added them (expanded).
	expanded := make(chan struct{})
	var once sync.Once
	expand := func() { once.Do(func() { close(expanded) }) }
	others := func(ctx context.Context, c *sql.Conn) error {
		if err := f.findOthers(ctx, c, cfg, opts.Deep); err != nil {
			return err
		}
		select {
		case <-expanded:
		case <-ctx.Done():
			return ctx.Err()
		}
		t0 := time.Now()
		err := f.findSuppression(ctx, c)
		f.timed("suppression", "suppression", len(f.Suppression), t0)
		return err
	}
	if opts.DB == nil {
		if err := f.findAllTables(ctx, []*sql.Conn{c}, tables, expand); err != nil {
			return nil, err
		}
		if err := others(ctx, c); err != nil {
			return nil, err
		}
	} else {
		// Two connections search the tables, a third the others meanwhile:
		// each search is small and mostly single-threaded, so they overlap.
		conns := []*sql.Conn{c}
		for range 2 {
			ci, err := opts.DB.Conn(ctx)
			if err != nil {
				return nil, err
			}
			defer ci.Close()
			conns = append(conns, ci)
		}
		gctx, cancel := context.WithCancel(ctx)
		defer cancel()
		other := make(chan error, 1)
		go func() { other <- others(gctx, conns[2]) }()
		err := f.findAllTables(gctx, conns[:2], tables, expand)
		if err != nil {
			cancel()
		}
		if oerr := <-other; err == nil {
			err = oerr
		}
		if err != nil {
			return nil, err
		}
	}
	if opts.Connectors != nil {
		t0 := time.Now()
		if err := f.locateSinks(ctx, cfg, opts.Connectors); err != nil {
			return nil, err
		}
		f.timed("sinks", "locate", len(f.Sinks), t0)
	}
	return f, nil
}

// findAllTables searches every table for the subject, then once more
// through the phones and profile URLs found on the subject's rows (the
// identity graph's one hop). It calls expanded once f.Subject holds them.
func (f *Findings) findAllTables(ctx context.Context, conns []*sql.Conn, tables []matchCols, expanded func()) error {
	if err := f.findTables(ctx, conns, tables, false); err != nil {
		return err
	}
	f.expand()
	expanded()
	if len(f.hopPhones)+len(f.hopProfiles) > 0 || f.derivedFirst != "" {
		return f.findTables(ctx, conns, tables, true)
	}
	return nil
}

// findOthers searches the datasets found by the subject's email and key
// alone: rejects, the audit log, the exports. It sets only their fields.
func (f *Findings) findOthers(ctx context.Context, c *sql.Conn, cfg *config.Config, deep bool) error {
	var err error
	t0 := time.Now()
	if f.Rejects, _, err = queryRowsT(ctx, c, "sar_rejects", nil, params{"like": likePattern(f.Subject.Email)}); err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	f.timed("rejects", "rejects", len(f.Rejects), t0)
	t0 = time.Now()
	if f.Audit, err = audit.List(ctx, c, f.Subject.Key); err != nil {
		return err
	}
	f.timed("audit", "audit_log", len(f.Audit), t0)
	t0 = time.Now()
	if err := f.findExports(ctx, c, cfg, deep); err != nil {
		return err
	}
	f.timed("exports", "lineage", len(f.Exports), t0)
	return nil
}

// timed logs one search step at debug level.
func (f *Findings) timed(step, table string, rows int, t0 time.Time) {
	f.log.Debug().Str("step", step).Str("table", table).Int("rows", rows).
		Dur("duration_ms", time.Since(t0)).Msg("subject search")
}

// ensureTables creates the audit log when missing; the warehouse's own
// tables are the caller's (flow.EnsureSchema).
func ensureTables(ctx context.Context, c *sql.Conn) error {
	return audit.EnsureTable(ctx, c)
}

func queryRowsT(ctx context.Context, c *sql.Conn, name string, data any, p params) ([]Row, []string, error) {
	q, err := render(name, data)
	if err != nil {
		return nil, nil, err
	}
	return queryRows(ctx, c, q, p)
}

// catalogTables reads the catalog: every existing table with at least one
// identifier column, in config order (sources, then derived tables).
func catalogTables(ctx context.Context, c *sql.Conn, cfg *config.Config) ([]matchCols, error) {
	rows, err := c.QueryContext(ctx, `
		SELECT k.dataset, k."table", k."column", k.category, k.personal
		FROM catalog k
		JOIN duckdb_columns() dc ON dc.schema_name = 'main' AND dc.table_name = k."table" AND dc.column_name = k."column"
		WHERE k.dataset <> 'rejects'
		ORDER BY k.dataset, dc.column_index`)
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
		rank[flow.RawTable(name)] = i
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
	layouts, err := flow.RawLayouts(ctx, c)
	if err != nil {
		return nil, err
	}
	var out []matchCols
	for _, t := range order {
		m := byTable[t]
		if len(m.Email)+len(m.Key)+len(m.Phone)+len(m.Profile) == 0 {
			continue
		}
		m.From, m.RowID = engine.Quote(m.Table), "rowid"
		if l, ok := layouts[m.Table]; ok {
			m.Raw, m.From, m.RowID = &l, flow.ReadRaw(l.Dir), "file_row_number"
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
// kind and there is no subject_key column; otherwise every row is read.
func (f *Findings) bucketFilter(d matchCols) string {
	l := d.Raw
	if l == nil || l.Buckets < 1 || f.Subject.Email == "" || len(d.Key) > 0 || len(d.Email) != 1 || d.Email[0] != l.BucketColumn {
		return ""
	}
	b := strconv.Itoa(engine.EmailBucket(f.Subject.Email, l.Buckets))
	switch {
	case d.HopOnly:
		return "_bucket IS NULL"
	case len(d.Phone)+len(d.Profile) > 0:
		return "(_bucket = " + b + " OR _bucket IS NULL)"
	}
	return "_bucket = " + b
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
	type search struct {
		m    matchCols
		d    matchCols
		rows []Row
		cols []string
		took time.Duration
		err  error
	}
	var todo []*search
	for _, m := range tables {
		d := f.predicateData(m)
		if hop {
			if !d.Hop.Active() && d.Derived == nil {
				continue
			}
			d.HopOnly = true
		}
		d.Bucket = f.bucketFilter(d)
		todo = append(todo, &search{m: m, d: d})
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
		q.RowIDs = idList(byFile[file])
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

// addHit adds rows of table m to its hit (creating it) and recomputes the
// hit's categories, sources and first-seen time.
// rowIDColumn is the rowid sar_match.sql selects first (for raw files
// after fileColumn: the row's place in its file).
const (
	rowIDColumn = "__pipeline_rowid__"
	fileColumn  = "__pipeline_file__"
)

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

// idList formats row ids for a template's .RowIDs (integers, never text
// from a user).
func idList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
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

func (f *Findings) findSuppression(ctx context.Context, c *sql.Conn) error {
	p := params{"email_hash": f.Subject.Key}
	var names []string
	for i, ph := range f.Subject.Phones {
		name := fmt.Sprintf("phone_hash_%d", i)
		p[name] = hashOf(ph)
		names = append(names, name)
	}
	rows, _, err := queryRowsT(ctx, c, "sar_suppression", names, p)
	if err != nil {
		return fmt.Errorf("suppression: %w", err)
	}
	f.Suppression = rows
	for _, r := range rows {
		if r["kind"] == "email" && r["reason"] == "erasure" {
			f.Tombstoned = true
		}
	}
	return nil
}

// exportDirs maps each configured file export's directory to its name.
func exportDirs(cfg *config.Config) map[string]string {
	out := map[string]string{}
	for _, name := range cfg.ExportOrder {
		ex := cfg.Exports[name]
		if d, ok := ex.Sink.Options["dir"].(string); ok && d != "" {
			out[absDir(cfg, d)] = name
		}
	}
	return out
}

func absDir(cfg *config.Config, d string) string {
	if !filepath.IsAbs(d) {
		d = filepath.Join(cfg.Dir, d)
	}
	return filepath.Clean(d)
}

func (f *Findings) findExports(ctx context.Context, c *sql.Conn, cfg *config.Config, deep bool) error {
	rows, _, err := queryRowsT(ctx, c, "sar_lineage", nil, params{"key": f.Subject.Key})
	if err != nil {
		return fmt.Errorf("lineage: %w", err)
	}
	files := map[string]bool{}
	inLineage := map[string]bool{}
	for _, r := range rows {
		l := Lineage{Export: str(r["export"]), Campaign: str(r["campaign"]), Recipient: str(r["recipient"]),
			Dir: str(r["dir"]), File: str(r["file"]), RunID: str(r["run_id"])}
		l.ExportedAt, _ = time.Parse(time.RFC3339, str(r["exported_at"]))
		f.Lineage = append(f.Lineage, l)
		// the export's configured folder wins over the recorded one, so a
		// project folder that moved is still covered
		dir := absDir(cfg, l.Dir)
		if ex := cfg.Exports[l.Export]; ex != nil {
			if d, ok := ex.Sink.Options["dir"].(string); ok && d != "" {
				dir = absDir(cfg, d)
			}
		}
		p := filepath.Join(dir, filepath.FromSlash(l.File))
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			files[p] = true
			inLineage[l.Export] = true
		}
	}
	dirs := exportDirs(cfg)
	// the staged exports of unfinished runs are searched always: they hold
	// personal data that no lineage names (see flow.Leftovers)
	scan := map[string]bool{}
	if err := leftoverDirs(cfg, dirs, scan); err != nil {
		return err
	}
	if deep {
		for d := range dirs {
			scan[d] = true
		}
	}
	for d := range scan {
		_ = filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() && strings.HasSuffix(p, ".parquet") {
				files[p] = true
			}
			return nil
		})
	}
	if len(files) == 0 {
		return nil
	}
	list := keys(files)
	hits, _, err := queryRowsT(ctx, c, "sar_export_rows", nil, params{"files": list, "key": f.Subject.Key})
	if err != nil {
		return fmt.Errorf("read exports: %w", err)
	}
	byExport := map[string]*ExportHit{}
	var order []string
	for _, r := range hits {
		file := str(r["_file"])
		delete(r, "_file")
		name, dir := "", filepath.Dir(file)
		for d, n := range dirs {
			if strings.HasPrefix(file, d+string(filepath.Separator)) {
				name, dir = n, d
			}
		}
		if name == "" {
			name = filepath.Base(dir)
		}
		h := byExport[name]
		if h == nil {
			h = &ExportHit{Export: name, Dir: dir, InLineage: inLineage[name], FileRows: map[string]int{}}
			if ex := cfg.Exports[name]; ex != nil {
				h.Campaign = ex.Campaign
				if camp := cfg.Campaigns[ex.Campaign]; camp != nil {
					h.Recipient = camp.Recipient
				}
			}
			for _, l := range f.Lineage {
				if l.Export == name && (h.FirstExported.IsZero() || l.ExportedAt.Before(h.FirstExported)) {
					h.FirstExported = l.ExportedAt
				}
			}
			byExport[name] = h
			order = append(order, name)
		}
		h.Files = addUnique(h.Files, file)
		h.FileRows[file]++
		h.Rows = append(h.Rows, r)
	}
	sort.Strings(order)
	for _, n := range order {
		sort.Strings(byExport[n].Files)
		f.Exports = append(f.Exports, *byExport[n])
	}
	return nil
}

// locateSinks asks every export sink with the Locate capability (files of
// the built-in parquet sink are read directly instead).
func (f *Findings) locateSinks(ctx context.Context, cfg *config.Config, conns flow.Connectors) error {
	for _, name := range cfg.ExportOrder {
		ex := cfg.Exports[name]
		if ex.Sink.Connector == "parquet" {
			continue
		}
		sink, closeFn, err := conns.Sink(ctx, ex.Sink.Connector)
		if err != nil {
			return fmt.Errorf("export %q: connector %q: %w", name, ex.Sink.Connector, err)
		}
		locs, err := locate(ctx, sink, ex.Sink.Options, f.Subject.Key)
		_ = closeFn()
		if err != nil {
			return fmt.Errorf("export %q: locate: %w", name, err)
		}
		if len(locs) > 0 {
			f.Sinks = append(f.Sinks, SinkHit{Export: name, Connector: ex.Sink.Connector, Locations: locs})
		}
	}
	return nil
}

func locate(ctx context.Context, sink connectors.Sink, opts map[string]any, key string) ([]connectors.Location, error) {
	l, ok := sink.(connectors.Locator)
	if !ok {
		return nil, nil
	}
	d, err := sink.Describe(ctx)
	if err != nil {
		return nil, err
	}
	if !d.Has(connectors.CapLocate) {
		return nil, nil
	}
	return l.Locate(ctx, opts, key)
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// NameKey is how the identity-graph hop compares names: lower-cased words,
// sorted, joined by one space ("Taylor,  Stuart" and "stuart taylor" agree).
// sql/sar_predicate.sql computes the same in DuckDB.
func NameKey(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == '\t' || r == ',' })
	sort.Strings(words)
	return strings.Join(words, " ")
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
