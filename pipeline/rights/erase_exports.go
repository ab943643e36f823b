package rights

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
)

// rewriteExports rewrites each planned file without the subject into a
// temp file beside it and renames it over the original (a file left
// without rows is removed instead, with the partition folders it leaves
// empty), then updates each touched export's manifest (rows, bytes,
// checksums). A file that no
// longer holds the subject (a resumed job) is left alone; the manifest is
// recomputed for every planned file either way.
func rewriteExports(ctx context.Context, c *sql.Conn, j *Journal, key string) error {
	dirs := map[string]map[string]bool{} // export dir -> planned files
	for _, pf := range j.Files {
		path := filepath.Join(pf.Dir, filepath.FromSlash(pf.File))
		if dirs[pf.Dir] == nil {
			dirs[pf.Dir] = map[string]bool{}
		}
		dirs[pf.Dir][pf.File] = true
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			// removed by this job before a crash (left empty: its folders
			// may still be there), or replaced by a later run meanwhile
			if err := pruneEmpty(path, pf.Dir); err != nil {
				return err
			}
			continue
		}
		var n int64
		if err := c.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet($1, hive_partitioning = false) WHERE subject_key = $2", path, key).Scan(&n); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if n == 0 {
			continue
		}
		tmp := filepath.Join(filepath.Dir(path), ".erase-"+filepath.Base(path))
		data, p, err := rewriteArgs(ctx, c, path, key, tmp)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if _, err := execT(ctx, c, "erase_rewrite", data, p); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("%s: %w", path, err)
		}
		left, err := fileRows(ctx, c, tmp)
		if err != nil {
			os.Remove(tmp)
			return fmt.Errorf("%s: %w", tmp, err)
		}
		if left == 0 { // the subject was all the file held
			os.Remove(tmp)
			if err := pruneEmpty(path, pf.Dir); err != nil {
				return err
			}
			j.Counts["export_files_removed"]++
		} else {
			if err := syncFile(tmp); err != nil {
				return err
			}
			if err := os.Rename(tmp, path); err != nil {
				return err
			}
		}
		j.Counts["export_rows"] += n
		j.Counts["export_files"]++
	}
	for d, planned := range dirs {
		if err := updateManifest(d, planned); err != nil {
			return fmt.Errorf("manifest %s: %w", d, err)
		}
	}
	return nil
}

func syncFile(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// eraseSinks asks every export sink that has the Erase capability (the
// built-in parquet sink's files are rewritten by rewriteExports).
func eraseSinks(ctx context.Context, cfg *config.Config, conns connect.Connectors, j *Journal, key string) error {
	if conns == nil {
		return nil
	}
	for _, name := range cfg.ExportOrder {
		ex := cfg.Exports[name]
		if ex.Sink.Connector == "parquet" {
			continue
		}
		sink, closeFn, err := conns.Sink(ctx, ex.Sink.Connector)
		if err != nil {
			return fmt.Errorf("export %q: connector %q: %w", name, ex.Sink.Connector, err)
		}
		n, err := eraseSink(ctx, sink, ex.Sink.Options, key)
		_ = closeFn()
		if err != nil {
			return fmt.Errorf("export %q: erase: %w", name, err)
		}
		j.Counts["sink:"+name] = n
	}
	return nil
}

func eraseSink(ctx context.Context, sink connectors.Sink, opts map[string]any, key string) (int64, error) {
	e, ok := sink.(connectors.Eraser)
	if !ok {
		return 0, nil
	}
	d, err := sink.Describe(ctx)
	if err != nil {
		return 0, err
	}
	if !d.Has(connectors.CapErase) {
		return 0, nil
	}
	return e.Erase(ctx, opts, key)
}
