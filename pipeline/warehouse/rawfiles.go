package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/example/pipeline/pipeline/engine"
)

// Raw source rows are not stored in the warehouse file: each run writes
// every source's rows as Parquet files under <warehouse file>.raw/
// <raw table>/<run id>/, and raw_<source> is a view over them. A people
// source's files are subject-bucketed (docs/design.md, scale-out): one folder
// per bucket, _bucket=K, K = engine.EmailBucket of the normalised email
// (rows without a valid email in _bucket=__HIVE_DEFAULT_PARTITION__), so
// that a SAR reads one bucket and an erasure rewrites one bucket's files
// instead of the whole warehouse. prospects and deliverable are files
// too (keyedfiles.go); the warehouse file keeps the suppression store,
// lineage, catalog, audit and the run's records. Table raw_files records where each view's
// files are; the folders of earlier runs are deleted once a run commits.

// RawRoot is the folder holding the raw Parquet files of the warehouse at
// path: its own (two warehouses may share a folder, and a run deletes
// every raw folder its warehouse does not name).
func RawRoot(warehouse string) string { return warehouse + ".raw" }

// CheckRawRoot refuses a warehouse path that DuckDB would read as a glob
// pattern: the raw views read their files through one.
func CheckRawRoot(warehouse string) error {
	if strings.ContainsAny(warehouse, "*?[]{}") {
		return fmt.Errorf("warehouse path %q contains a glob character (* ? [ ] { }): the raw files beside it could not be read back; move the warehouse", warehouse)
	}
	return nil
}

// RawTable is the warehouse table a source is staged into.
func RawTable(source string) string { return "raw_" + source }

// nextSuffix marks a raw view staged by a run that has not committed yet.
const nextSuffix = "__next"

// Next is the view over the raw files a run staged, before its final
// transaction points raw_<source> at them (see the package comment). A run that
// fails drops the view and deletes the files; one that crashed leaves them
// for the next EnsureSchema to drop.
func Next(table string) string { return table + nextSuffix }

// RawLayout is where one raw table's files are (a row of raw_files).
type RawLayout struct {
	Table        string
	Dir          string // absolute
	RunID        string
	Buckets      int    // 0: not bucketed
	BucketColumn string // the email column the buckets are of
	Compression  string // uncompressed | zstd
}

// RawLayouts reads raw_files: table name -> layout.
func RawLayouts(ctx context.Context, c *sql.Conn) (map[string]RawLayout, error) {
	rows, err := c.QueryContext(ctx, engine.SQL("raw_files_list"))
	if err != nil {
		return nil, fmt.Errorf("raw_files: %w", err)
	}
	defer rows.Close()
	out := map[string]RawLayout{}
	for rows.Next() {
		var l RawLayout
		if err := rows.Scan(&l.Table, &l.Dir, &l.RunID, &l.Buckets, &l.BucketColumn, &l.Compression); err != nil {
			return nil, fmt.Errorf("raw_files: %w", err)
		}
		out[l.Table] = l
	}
	return out, rows.Err()
}

// RawFiles lists the data files of a layout, sorted.
func RawFiles(l RawLayout) ([]string, error) {
	var files []string
	err := filepath.WalkDir(l.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// CreateRawView points a view at a folder of raw files.
func CreateRawView(ctx context.Context, c *sql.Conn, view, dir string) error {
	if err := DropRelation(ctx, c, view); err != nil {
		return err
	}
	return engine.ExecScript(ctx, c, "raw_view", map[string]string{"View": view, "Dir": dir}, nil)
}

// PromoteLayout points the view l.Table at l's folder and records l in
// raw_files, in the caller's transaction (a run's raw tables, the keyed
// tables).
func PromoteLayout(ctx context.Context, c *sql.Conn, l RawLayout) error {
	if err := CreateRawView(ctx, c, l.Table, l.Dir); err != nil {
		return err
	}
	return engine.ExecScript(ctx, c, "raw_files_record", nil, engine.Params{"table": l.Table, "dir": l.Dir, "run_id": l.RunID,
		"buckets": l.Buckets, "bucket_column": l.BucketColumn, "compression": l.Compression})
}

// bucketFiles lists the Parquet files of key's subject_key bucket under
// dir (SeenBucket); the raw folder's path has no glob characters
// (CheckRawRoot).
func bucketFiles(dir, key string) ([]string, error) {
	return filepath.Glob(filepath.Join(dir, SeenBucket(key), "*.parquet"))
}

// DropRelation drops a table or view of that name, if there is one (raw
// tables were real tables before raw files). A table's values stay in the
// file's free blocks: the file is marked for scrubbing first (scrub.go).
func DropRelation(ctx context.Context, c *sql.Conn, name string) error {
	var kind string
	err := c.QueryRowContext(ctx, engine.SQL("relation_kind"), name).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if kind == "TABLE" {
		if err := MarkScrub(ctx, c, ScrubTableReplaced); err != nil {
			return err
		}
	}
	return engine.ExecScript(ctx, c, "relation_drop", map[string]any{"View": kind == "VIEW", "Name": name}, nil)
}

// CleanRaw drops what a crashed run staged but never swapped in — the
// raw_*__next views (or tables, from before raw files) and every raw
// folder that raw_files does not name, subject_seen's generations but the
// one seen_files names among them (seenfiles.go) — and any temp file an interrupted
// erasure left: they may hold personal data that no catalog, SAR or
// erasure knows about. Callers hold the warehouse lock.
func CleanRaw(ctx context.Context, c *sql.Conn, warehouse string) error {
	rows, err := c.QueryContext(ctx, engine.SQL("raw_next_left"), nextSuffix)
	if err != nil {
		return err
	}
	var left []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		left = append(left, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range left {
		if err := DropRelation(ctx, c, t); err != nil {
			return fmt.Errorf("drop %s left by a crashed run: %w", t, err)
		}
	}
	if warehouse == "" {
		return nil
	}
	if err := repointRaw(ctx, c, warehouse); err != nil {
		return err
	}
	if err := repointSeen(ctx, c, warehouse); err != nil {
		return err
	}
	layouts, err := RawLayouts(ctx, c)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, l := range layouts {
		keep[filepath.Clean(l.Dir)] = true
	}
	seen, _, err := currentSeen(ctx, c)
	if err != nil {
		return err
	}
	if seen != "" {
		keep[filepath.Clean(seen)] = true
	}
	root := RawRoot(warehouse)
	tables, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("raw files: %w", err)
	}
	for _, t := range tables {
		if !t.IsDir() {
			continue
		}
		runs, err := os.ReadDir(filepath.Join(root, t.Name()))
		if err != nil {
			return fmt.Errorf("raw files: %w", err)
		}
		for _, r := range runs {
			dir := filepath.Join(root, t.Name(), r.Name())
			if keep[dir] {
				if err := removeTemps(dir); err != nil {
					return err
				}
				continue
			}
			if err := os.RemoveAll(dir); err != nil {
				return fmt.Errorf("remove raw files left by an earlier run: %w", err)
			}
		}
	}
	return nil
}

// removeTemps deletes the .tmp files an interrupted rewrite left in dir.
func removeTemps(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".tmp") {
			return os.Remove(p)
		}
		return nil
	})
}
