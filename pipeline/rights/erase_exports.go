package rights

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/exportfiles"
)

// rewriteExports has each planned file rewritten without the subject by
// the file sinks' host-side adapter (exportfiles.Files.Rewrite: swapped in
// by rename, or removed with the partition folders it leaves empty), then
// refreshes each touched export's manifest for the planned files only. A
// file that no longer holds the subject (a resumed job) is left alone.
func rewriteExports(ctx context.Context, c *sql.Conn, j *Journal, key string) error {
	files := exportfiles.Files{Conn: c}
	dirs := map[string]map[string]bool{} // export dir -> planned files
	for _, pf := range j.Files {
		path := filepath.Join(pf.Dir, filepath.FromSlash(pf.File))
		if dirs[pf.Dir] == nil {
			dirs[pf.Dir] = map[string]bool{}
		}
		dirs[pf.Dir][pf.File] = true
		r, err := files.Rewrite(ctx, path, pf.Dir, key)
		if err != nil {
			return err
		}
		if r.Rows == 0 {
			continue
		}
		if r.Removed {
			j.Counts["export_files_removed"]++
		}
		j.Counts["export_rows"] += r.Rows
		j.Counts["export_files"]++
	}
	for d, planned := range dirs {
		if err := exportfiles.Refresh(d, planned); err != nil {
			return fmt.Errorf("manifest %s: %w", d, err)
		}
	}
	return nil
}

// eraseSinks asks every export sink that erases by itself (file sinks'
// files are rewritten by rewriteExports) and returns the exports whose
// sink can do neither: not searchable, the recipient must be told.
func eraseSinks(ctx context.Context, cfg *config.Config, conns connect.Connectors, j *Journal, key string) ([]NotSearchable, error) {
	caps, err := resolveSinks(ctx, cfg, conns)
	if err != nil {
		return nil, err
	}
	defer closeSinks(caps)
	for _, sc := range caps {
		if sc.root != "" || sc.eraser == nil {
			continue
		}
		n, err := sc.eraser.Erase(ctx, cfg.Exports[sc.export].Sink.Options, key)
		if err != nil {
			return nil, fmt.Errorf("export %q: erase: %w", sc.export, err)
		}
		j.Counts["sink:"+sc.export] = n
	}
	return notSearchable(cfg, caps, true), nil
}
