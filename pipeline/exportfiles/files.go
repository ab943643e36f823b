// Package exportfiles is the host side of a file sink: a sink with the
// native-write capability (connectors.NativeWriter) adopts Parquet files
// the host had DuckDB write, so the host, not the connector, can find and
// erase a subject in them. Files gives such a sink the Locate and Erase
// capabilities (connectors.Locator, connectors.Eraser) with DuckDB, and
// keeps the export's manifest (connectors/manifest) in step with every
// file it rewrites.
//
// A file sink keeps its files under the folder its "dir" option names
// (connectors.OptionDir). Only the files whose name says they may hold
// the subject are read (manifest.MayHold): a subject's erasure rewrites
// its bucket's file, never the whole export.
package exportfiles

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/manifest"
	"github.com/example/pipeline/pipeline/engine"
)

// Files locates and erases a subject in the Parquet files of file sinks,
// on one DuckDB connection. It is not safe for concurrent use (one
// connection); the caller holds the warehouse lock during Erase.
type Files struct {
	Conn *sql.Conn
}

var (
	_ connectors.Locator = Files{}
	_ connectors.Eraser  = Files{}
)

// Root is the folder a file sink keeps its files in ("" when the options
// name none).
func Root(opts connectors.Options) string {
	return filepath.Clean(opts.String(connectors.OptionDir))
}

// Candidates lists the Parquet files under root whose names say they may
// hold the subject (manifest.MayHold), sorted; a missing root has none.
func Candidates(root, subjectKey string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !e.IsDir() && strings.HasSuffix(p, ".parquet") && manifest.MayHold(p, subjectKey) {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// Locate implements connectors.Locator: each file under the sink's dir
// holding rows of the subject, with their count.
func (f Files) Locate(ctx context.Context, opts connectors.Options, subjectKey string) ([]connectors.Location, error) {
	root := Root(opts)
	if root == "." {
		return nil, fmt.Errorf("file sink: option %q is required", connectors.OptionDir)
	}
	files, err := Candidates(root, subjectKey)
	if err != nil || len(files) == 0 {
		return nil, err
	}
	q, err := engine.Render("export_locate", nil)
	if err != nil {
		return nil, err
	}
	rows, err := f.Conn.QueryContext(ctx, q, engine.Params{"files": files, "key": subjectKey}.Args()...)
	if err != nil {
		return nil, fmt.Errorf("locate in %s: %w", root, err)
	}
	defer rows.Close()
	var out []connectors.Location
	for rows.Next() {
		var l connectors.Location
		if err := rows.Scan(&l.Place, &l.Rows); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Erase implements connectors.Eraser: every file under the sink's dir
// that holds the subject is rewritten without them (see Rewrite) and the
// manifest refreshed. It returns the rows removed; idempotent.
func (f Files) Erase(ctx context.Context, opts connectors.Options, subjectKey string) (int64, error) {
	root := Root(opts)
	locs, err := f.Locate(ctx, opts, subjectKey)
	if err != nil {
		return 0, err
	}
	var n int64
	changed := map[string]bool{}
	for _, l := range locs {
		r, err := f.Rewrite(ctx, l.Place, root, subjectKey)
		if err != nil {
			return n, err
		}
		n += r.Rows
		rel, _ := filepath.Rel(root, l.Place)
		changed[filepath.ToSlash(rel)] = true
	}
	if len(changed) == 0 {
		return 0, nil
	}
	return n, manifest.Refresh(root, changed)
}
