package rights

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// FindOptions tune Find.
type FindOptions struct {
	// Deep scans every Parquet file of every export, not only the files
	// the lineage index names.
	Deep bool
	// Connectors opens the export sinks, whose capabilities decide how the
	// subject is looked for in each export: the files of a file sink are
	// read here, a sink with the Locate capability is asked, any other is
	// reported NotSearchable. Nil: the built-in connectors in process.
	Connectors connect.Connectors
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
	Explicit, Hop              idBlock              // sar_predicate.sql: the request's identifiers, the hop's (see predicateData)
	Derived                    *derivedCols         // sar_predicate.sql: rows whose derived email is the subject's (see derived.go)
	HopOnly                    bool                 // only rows reached through the hop (the second pass)
	NameFilter                 []colFilter          // sar_match.sql: name columns tested before the hop's pass (see nameFilters)
	NameSubs                   []int64              // sar_match.sql: the _email_sub values the hop's pass reads (see nameSubsFor)
	RowIDs                     []int64              // erase_delete.sql, erase_raw.sql, sar_rows.sql: the row ids found ({{ints .RowIDs}})
	Raw                        *warehouse.RawLayout // the table's raw files (nil: a warehouse table)
	From                       engine.Scan          // sar_match.sql: how to read the table
	Bucket                     *bucketRule          // sar_match.sql: the buckets that can hold the subject (see bucketFilter; nil: every row)
	Keyed                      string               // sar_predicate.sql: the subject_key column a keyed table's search filters on first (keyed.go)
	personal                   map[string]string    // column -> category, personal columns only
	columns                    map[string]bool      // every column of the table
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
	// NotSearchable are the exports whose sink can neither be read nor
	// asked: the recipient must be asked instead.
	NotSearchable []NotSearchable
	notErasable   []NotSearchable // the same for erasure (no Erase capability)
	Audit         []audit.Entry
	Tombstoned    bool
	// Names are the name keys (readNameKeys) on rows matched by email or
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
	// nameSubs are the sub-buckets of the names the hop follows (readNameSubs)
	nameSubs []int64
	// rejectIDs are the rowids of the rejected lines found by a phone and a
	// name rather than the email (rejects.go); rejectPhones the pattern
	// that found them, which the erasure checks again
	rejectIDs    []int64
	rejectPhones string

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
	// the export sinks' capabilities, read while the tables are searched
	// (a sink may be a plugin process to start)
	sinks, closeAll := resolveSinksAsync(ctx, cfg, opts.Connectors)
	defer closeAll()
	// The datasets found by the subject's email and key alone (rejects,
	// audit log, exports), then the suppression store, which is searched
	// for the phones found on the subject's rows too: it waits until the
	// tables' first pass has added them (expanded).
	expanded := make(chan struct{})
	var once sync.Once
	expand := func() { once.Do(func() { close(expanded) }) }
	// the catalog's tables, then every table searched (findAllTables)
	searchTables := func(ctx context.Context, conns []*sql.Conn) error {
		tables, err := catalogTables(ctx, c, cfg)
		if err != nil {
			return err
		}
		return f.findAllTables(ctx, conns, tables, expand)
	}
	others := func(ctx context.Context, c *sql.Conn) error {
		if err := f.findOthers(ctx, c, cfg, sinks, opts.Deep); err != nil {
			return err
		}
		select {
		case <-expanded:
		case <-ctx.Done():
			return ctx.Err()
		}
		t0 := time.Now()
		if err := f.findRejectsByPhone(ctx, c); err != nil {
			return err
		}
		f.timed("rejects", "rejects by phone and name", len(f.rejectIDs), t0)
		t0 = time.Now()
		err := f.findSuppression(ctx, c)
		f.timed("suppression", "suppression", len(f.Suppression), t0)
		return err
	}
	if err := searchAll(ctx, opts.DB, c, searchTables, others); err != nil {
		return nil, err
	}
	t0 := time.Now()
	sc, err := sinks()
	if err != nil {
		return nil, err
	}
	if err = f.locateSinks(ctx, cfg, sc); err != nil {
		return nil, err
	}
	f.timed("sinks", "locate", len(f.Sinks), t0)
	return f, nil
}

// searchAll runs tables (the warehouse tables' search) and others (the
// datasets found by email and key alone, then the suppression store): on c
// one after the other, or, with db (the database c belongs to), at once:
// two connections search the tables, a third the others meanwhile (from
// the start: they do not need the catalog). Each search is small and
// mostly single-threaded, so they overlap.
func searchAll(ctx context.Context, db *engine.DB, c *sql.Conn, tables func(context.Context, []*sql.Conn) error, others func(context.Context, *sql.Conn) error) error {
	if db == nil {
		if err := tables(ctx, []*sql.Conn{c}); err != nil {
			return err
		}
		return others(ctx, c)
	}
	conns := []*sql.Conn{c}
	for range 2 {
		ci, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer ci.Close()
		conns = append(conns, ci)
	}
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	other := make(chan error, 1)
	go func() { other <- others(gctx, conns[2]) }()
	err := tables(gctx, conns[:2])
	if err != nil {
		cancel()
	}
	if oerr := <-other; err == nil {
		err = oerr
	}
	return err
}

// findAllTables searches every table for the subject, then once more
// through the phones and profile URLs found on the subject's rows (the
// identity graph's one hop). It calls expanded once f.Subject holds them.
func (f *Findings) findAllTables(ctx context.Context, conns []*sql.Conn, tables []matchCols, expanded func()) error {
	if err := f.findTables(ctx, conns, tables, false); err != nil {
		return err
	}
	err := f.expand(func(texts []string) ([]string, error) { return readNameKeys(ctx, conns[0], texts) })
	expanded()
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if len(f.hopPhones)+len(f.hopProfiles) > 0 || f.derivedFirst != "" {
		if err := f.readNameSubs(ctx, conns[0]); err != nil {
			return fmt.Errorf("search: the names' sub-buckets: %w", err)
		}
		return f.findTables(ctx, conns, tables, true)
	}
	return nil
}

// findOthers searches the datasets found by the subject's email and key
// alone: rejects, the audit log, the exports. It sets only their fields.
func (f *Findings) findOthers(ctx context.Context, c *sql.Conn, cfg *config.Config, sinks func() ([]*sinkCaps, error), deep bool) error {
	var err error
	t0 := time.Now()
	if f.Rejects, _, err = queryRowsT(ctx, c, "sar_rejects", nil, rejectParams(f.Subject.Email)); err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	f.timed("rejects", "rejects", len(f.Rejects), t0)
	t0 = time.Now()
	if f.Audit, err = audit.List(ctx, c, f.Subject.Key); err != nil {
		return err
	}
	f.timed("audit", "audit_log", len(f.Audit), t0)
	caps, err := sinks()
	if err != nil {
		return err
	}
	t0 = time.Now()
	if err := f.findExports(ctx, c, cfg, fileDirs(caps), deep); err != nil {
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
// tables are the caller's (warehouse.EnsureSchema).
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

// addHit adds rows of table m to its hit (creating it) and recomputes the
// hit's categories, sources and first-seen time.
// rowIDColumn is the rowid sar_match.sql selects first (for raw files
// after fileColumn: the row's place in its file).
const (
	rowIDColumn = "__pipeline_rowid__"
	fileColumn  = "__pipeline_file__"
)

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

// resolveSinksAsync resolves the export sinks' capabilities (resolveSinks)
// in the background: sinks waits for them; closeAll waits and closes them.
func resolveSinksAsync(ctx context.Context, cfg *config.Config, conns connect.Connectors) (sinks func() ([]*sinkCaps, error), closeAll func()) {
	capsCh := make(chan error, 1)
	var caps []*sinkCaps
	go func() {
		var err error
		caps, err = resolveSinks(ctx, cfg, conns)
		capsCh <- err
	}()
	var capsErr error
	var capsOnce sync.Once
	sinks = func() ([]*sinkCaps, error) {
		capsOnce.Do(func() { capsErr = <-capsCh })
		return caps, capsErr
	}
	return sinks, func() {
		_, _ = sinks()
		closeSinks(caps)
	}
}
