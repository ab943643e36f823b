package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// subject_seen (flow/seen.go) is not kept in the warehouse file: like the
// raw tables it is Parquet files beside it, under <raw root>/subject_seen/
// <generation>/_bucket=X/, X the first hex digit of subject_key
// (SeenBucket), and subject_seen is a view over the current generation,
// which table seen_files names. It holds pseudonymous keys and dates
// only, so an erasure need not scrub the file's free blocks of it (the
// compaction copies the warehouse file, not these); an erasure rewrites
// the subject's bucket file without their rows (the rights package).
// A run, or a purge, writes a whole new generation (WriteSeen) and points
// the view at it in its transaction (PromoteSeen); a generation that was
// never promoted, or that one replaced, is deleted by CleanRaw, as raw
// folders are. A crash leaves the previous generation in use.

// SeenTable is the name of the view (and of its folder under the raw root).
const SeenTable = "subject_seen"

// SeenBucket is the bucket folder of a subject_key: "_bucket=" and its
// first character (sql/seen_write.sql): 16 buckets.
func SeenBucket(key string) string {
	if len(key) > 1 {
		key = key[:1]
	}
	return "_bucket=" + key
}

// SeenDir is the folder of subject_seen's generation gen.
func SeenDir(warehouse, gen string) string {
	return filepath.Join(RawRoot(warehouse), SeenTable, gen)
}

// currentSeen reads seen_files: the folder of the current generation and
// its name ("" when there is none).
func currentSeen(ctx context.Context, c *sql.Conn) (dir, gen string, err error) {
	err = c.QueryRowContext(ctx, engine.SQL("seen_files_list")).Scan(&dir, &gen)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("seen_files: %w", err)
	}
	return dir, gen, nil
}

// SeenBucketFiles lists the files of subject_seen that may hold key: those
// of its bucket in the current generation. inFiles is false when
// subject_seen has no files (then it has no rows either, or it is the
// table of a warehouse not opened for writing since).
func SeenBucketFiles(ctx context.Context, c *sql.Conn, key string) (files []string, inFiles bool, err error) {
	dir, _, err := currentSeen(ctx, c)
	if err != nil || dir == "" {
		return nil, false, err
	}
	files, err = bucketFiles(dir, key)
	return files, true, err
}

// SeenNow is which subjects a run saw (sql/seen_now.sql): the people
// sources it staged and whether it rebuilt prospects.
type SeenNow struct {
	Sources   []SeenNowSource
	Prospects bool // prospects' derived subjects count as seen
}

// SeenNowSource is one people source a run staged; Email: its rows'
// subject_keys are the stage's (engine.CollectSubjects, read by
// pl_staged_subjects until engine.ForgetSubjects).
type SeenNowSource struct {
	Name  string
	Email bool
}

// sourceParam is the name seen_now.sql binds source i's name as.
func sourceParam(i int) string { return fmt.Sprintf("seen_source_%d", i) }

// Data is seen_now.sql's data (each source with the parameter its name
// is bound as) and the parameters, for statements that read it.
func (s SeenNow) Data() (data map[string]any, p engine.Params) {
	type source struct {
		Param string
		Email bool
	}
	var list []source
	p = engine.Params{}
	for i, src := range s.Sources {
		if !src.Email && !s.Prospects {
			continue // nothing of it seen
		}
		list = append(list, source{Param: sourceParam(i), Email: src.Email})
		p[sourceParam(i)] = src.Name
	}
	return map[string]any{"Sources": list, "Prospects": s.Prospects}, p
}

// WriteSeen writes the next generation of subject_seen into SeenDir(
// warehouse, gen) (sql/seen_write.sql): the current rows, the subjects
// seen now (sql/seen_now.sql) recorded as seen at now, and every people
// source's retention as of now applied — a first_seen source's subjects
// past it are marked expired, a last_seen source's forgotten. It returns
// the folder and how many subjects each source expired. Nothing reads the
// folder until PromoteSeen; if that never commits, CleanRaw deletes it.
func WriteSeen(ctx context.Context, c *sql.Conn, cfg *config.Config, now time.Time, gen string, seen SeenNow) (string, map[string]int64, error) {
	expired, err := seenRules(ctx, c, cfg, now, seen)
	if err != nil {
		return "", nil, err
	}
	dir, err := writeSeen(ctx, c, cfg, now, gen, seen)
	return dir, expired, err
}

// ExpireSeen is WriteSeen with no subject seen (a purge): it writes a
// generation only if some subject's retention has run out, and returns
// its folder ("" when it wrote none).
func ExpireSeen(ctx context.Context, c *sql.Conn, cfg *config.Config, now time.Time, gen string) (string, error) {
	expired, err := seenRules(ctx, c, cfg, now, SeenNow{})
	if err != nil {
		return "", err
	}
	if len(expired) == 0 {
		return "", engine.ExecScript(ctx, c, "seen_drop_work", nil, nil)
	}
	return writeSeen(ctx, c, cfg, now, gen, SeenNow{})
}

// seenRules fills the temp table seen_rules with each people source's
// retention as of now (sql/seen_rule.sql) and returns how many subjects
// of each source it expires (sql/seen_expired_counts.sql; none: no key).
func seenRules(ctx context.Context, c *sql.Conn, cfg *config.Config, now time.Time, seen SeenNow) (map[string]int64, error) {
	if err := engine.ExecScript(ctx, c, "seen_work", nil, nil); err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	lastSeen := false
	for _, name := range cfg.SourceOrder {
		src := cfg.Sources[name]
		if !SeenSource(src) {
			continue
		}
		fromLast := src.RetentionFrom == config.RetentionFromLastSeen
		lastSeen = lastSeen || fromLast
		p := engine.Params{"source": name, "last_seen": fromLast, "cutoff": src.Retention.Cutoff(now).UTC()}
		if err := engine.ExecScript(ctx, c, "seen_rule", nil, p); err != nil {
			return nil, fmt.Errorf("source %q: retention: %w", name, err)
		}
	}
	return seenExpiredCounts(ctx, c, lastSeen, seen)
}

func writeSeen(ctx context.Context, c *sql.Conn, cfg *config.Config, now time.Time, gen string, seen SeenNow) (string, error) {
	dir := SeenDir(cfg.Warehouse, gen)
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return "", fmt.Errorf("retention: %w", err)
	}
	data, p := seen.Data()
	p["now"], p["dir"] = now.UTC(), dir
	if err := engine.ExecScript(ctx, c, "seen_write", data, p); err != nil {
		return "", errors.Join(fmt.Errorf("retention: %w", err), os.RemoveAll(dir))
	}
	return dir, nil
}

// CleanSeen deletes every generation of subject_seen's files but the one
// in keep (after the commit that promoted it: nothing reads them).
func CleanSeen(keep string) error {
	parent := filepath.Dir(keep)
	gens, err := os.ReadDir(parent)
	if err != nil {
		return err
	}
	for _, g := range gens {
		if dir := filepath.Join(parent, g.Name()); g.IsDir() && dir != filepath.Clean(keep) {
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
		}
	}
	return nil
}

func seenExpiredCounts(ctx context.Context, c *sql.Conn, lastSeen bool, seen SeenNow) (map[string]int64, error) {
	data, p := seen.Data()
	data["LastSeen"] = lastSeen
	q, err := renderQuery("seen_expired_counts", data)
	if err != nil {
		return nil, err
	}
	var args []any
	if lastSeen { // the statement names the parameters only then
		args = p.Args()
	}
	rows, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var src string
		var n int64
		if err := rows.Scan(&src, &n); err != nil {
			return nil, fmt.Errorf("retention: %w", err)
		}
		if n > 0 {
			out[src] = n
		}
	}
	return out, rows.Err()
}

// PromoteSeen points the subject_seen view at the generation WriteSeen
// wrote into dir and records it in seen_files. c must be in the caller's
// transaction: if it does not commit, the previous generation stays.
func PromoteSeen(ctx context.Context, c *sql.Conn, dir, gen string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.parquet"))
	if err != nil {
		return err
	}
	view := dir
	if len(files) == 0 {
		view = "" // no subject: read_parquet needs a file
	}
	if err := engine.ExecScript(ctx, c, "seen_view", map[string]string{"Dir": view}, nil); err != nil {
		return fmt.Errorf("subject_seen: %w", err)
	}
	if err := engine.ExecScript(ctx, c, "seen_files_record", nil, engine.Params{"dir": dir, "gen": gen}); err != nil {
		return fmt.Errorf("subject_seen: %w", err)
	}
	return nil
}

// ensureSeen makes subject_seen the view over its files: created (with no
// row) in a new warehouse; in a warehouse from before the files, the
// table's rows are moved into a first generation, the table dropped and
// the view made in one transaction (a crash before the commit leaves the
// table, and a folder CleanRaw deletes). Callers hold the warehouse lock.
func ensureSeen(ctx context.Context, c *sql.Conn, warehouse string) error {
	var kind string
	err := c.QueryRowContext(ctx, engine.SQL("relation_kind"), SeenTable).Scan(&kind)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return engine.ExecScript(ctx, c, "seen_view", map[string]string{"Dir": ""}, nil)
	case err != nil:
		return fmt.Errorf("subject_seen: %w", err)
	case kind == "VIEW" || warehouse == "":
		return nil
	}
	gen := "from-table-" + time.Now().UTC().Format("20060102T150405.000000000")
	dir := SeenDir(warehouse, gen)
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return fmt.Errorf("subject_seen: move into files: %w", err)
	}
	if err := moveSeen(ctx, c, dir, gen); err != nil {
		return errors.Join(fmt.Errorf("subject_seen: move into files: %w", err), os.RemoveAll(dir))
	}
	return nil
}

func moveSeen(ctx context.Context, c *sql.Conn, dir, gen string) error {
	if err := engine.ExecScript(ctx, c, "seen_migrate", nil, engine.Params{"dir": dir}); err != nil {
		return err
	}
	return engine.InTx(ctx, c, func() error {
		if err := DropRelation(ctx, c, SeenTable); err != nil {
			return err
		}
		return PromoteSeen(ctx, c, dir, gen)
	})
}

// repointSeen is repointRaw for subject_seen's files: a copied or moved
// warehouse reads its own raw folder's generation, or fails naming both.
func repointSeen(ctx context.Context, c *sql.Conn, warehouse string) error {
	old, gen, err := currentSeen(ctx, c)
	if err != nil || old == "" {
		return err
	}
	root := filepath.Clean(RawRoot(warehouse))
	if within(root, filepath.Clean(old)) {
		return nil
	}
	dir := SeenDir(warehouse, gen)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("subject_seen: the warehouse names its files in %s (another warehouse's raw folder: was it copied or moved?) and %s does not exist; copy that folder there with the warehouse (cp -a), nothing was read or deleted", old, dir)
	}
	if err := PromoteSeen(ctx, c, dir, gen); err != nil {
		return fmt.Errorf("subject_seen: re-point to %s: %w", dir, err)
	}
	return nil
}
