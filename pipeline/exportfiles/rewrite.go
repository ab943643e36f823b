package exportfiles

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/example/pipeline/connectors/manifest"
	"github.com/example/pipeline/pipeline/durable"
	"github.com/example/pipeline/pipeline/engine"
)

// Rewritten is what Rewrite did to one file.
type Rewritten struct {
	Rows    int64 // the subject's rows removed (0: the file did not hold them and is untouched)
	Removed bool  // the subject was all the file held: it is gone
}

// Rewrite rewrites one export file under root without the subject's rows
// into a temp file beside it, synced, and renames it over the original;
// a file left without rows is removed instead, with the partition folders
// it leaves empty (root itself stays). A file that does not hold the
// subject, or is gone, is left alone. The manifest is the caller's
// (Refresh).
func (f Files) Rewrite(ctx context.Context, path, root, subjectKey string) (Rewritten, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		// removed by an earlier attempt (its folders may be left), or
		// replaced by a later run meanwhile
		return Rewritten{}, PruneEmpty(path, root)
	}
	var n int64
	if err := f.count(ctx, "export_file_count", engine.Params{"file": path, "key": subjectKey}, &n); err != nil {
		return Rewritten{}, fmt.Errorf("%s: %w", path, err)
	}
	if n == 0 {
		return Rewritten{}, nil
	}
	tmp := filepath.Join(filepath.Dir(path), ".erase-"+filepath.Base(path))
	data, p, err := rewriteArgs(ctx, f.Conn, path, subjectKey, tmp)
	if err == nil {
		var q string
		if q, err = engine.Render("erase_rewrite", data); err == nil {
			_, err = f.Conn.ExecContext(ctx, q, p.Args()...)
		}
	}
	if err != nil {
		os.Remove(tmp)
		return Rewritten{}, fmt.Errorf("%s: %w", path, err)
	}
	var left int64
	if err := f.count(ctx, "parquet_file_rows", engine.Params{"file": tmp}, &left); err != nil {
		os.Remove(tmp)
		return Rewritten{}, fmt.Errorf("%s: %w", tmp, err)
	}
	if left == 0 {
		os.Remove(tmp)
		return Rewritten{Rows: n, Removed: true}, PruneEmpty(path, root)
	}
	if err := durable.Sync(tmp); err != nil {
		return Rewritten{}, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return Rewritten{}, err
	}
	return Rewritten{Rows: n}, nil
}

func (f Files) count(ctx context.Context, name string, p engine.Params, n *int64) error {
	q, err := engine.Render(name, nil)
	if err != nil {
		return err
	}
	return f.Conn.QueryRowContext(ctx, q, p.Args()...).Scan(n)
}

// Refresh brings root's manifest in step with the files an erasure
// rewrote or removed (paths relative to root, slash-separated).
func Refresh(root string, changed map[string]bool) error {
	return manifest.Refresh(root, changed)
}

// PruneEmpty removes an export file the erasure left without rows, then
// every folder between it and the export's folder that is left empty (a
// partition folder that held only the subject), so no trace of the
// subject's partition stays on disk. The export folder itself stays.
func PruneEmpty(path, exportDir string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	root := filepath.Clean(exportDir)
	for d := filepath.Dir(path); d != root && len(d) > len(root); d = filepath.Dir(d) {
		rel, err := filepath.Rel(root, d)
		if err != nil || rel == "." || rel == ".." || filepath.IsAbs(rel) || len(rel) >= 2 && rel[:2] == ".." {
			return nil
		}
		entries, err := os.ReadDir(d)
		if err != nil || len(entries) > 0 {
			return nil
		}
		if err := os.Remove(d); err != nil {
			return fmt.Errorf("remove empty partition folder: %w", err)
		}
	}
	return nil
}
