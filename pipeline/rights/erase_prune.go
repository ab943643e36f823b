package rights

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/example/pipeline/connectors/parquet"
)

// fileRows counts the rows of one Parquet file.
func fileRows(ctx context.Context, c *sql.Conn, path string) (int64, error) {
	var n int64
	err := c.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet($1, hive_partitioning = false)", path).Scan(&n)
	return n, err
}

// pruneEmpty removes an export file the erasure left without rows, then
// every folder between it and the export's directory that is left empty
// (a partition folder that held only the subject), so no trace of the
// subject's partition stays on disk. The export directory itself stays.
func pruneEmpty(path, exportDir string) error {
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

// updateManifest recomputes rows, bytes and checksums of every file the
// manifest of dir lists. A listed file that is gone and that this erasure
// planned (planned: paths relative to dir, slash-separated) was left
// empty and removed by it (or replaced by a later run): it leaves the
// manifest. Any other missing file is an error.
func updateManifest(dir string, planned map[string]bool) error {
	m, err := parquet.ReadManifest(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	m.Rows = 0
	kept := m.Files[:0]
	for _, f := range m.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) && planned[f.Path] {
			continue
		}
		d, err := parquet.Describe(p)
		if err != nil {
			return err
		}
		d.Path = f.Path
		kept = append(kept, d)
		m.Rows += d.Rows
	}
	m.Files = kept
	return parquet.WriteManifest(dir, m)
}
