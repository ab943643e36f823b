package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/example/pipeline/pipeline/engine"
)

// repointRaw makes a copied or moved warehouse read and change its own raw
// files. raw_files rows and the raw_<source> views name their folders by
// absolute path, <raw root>/<raw table>/<run id>; a warehouse copied with
// its raw folder (cp -a, a backup restore, a moved project) still names
// the original's. For each row outside RawRoot(warehouse), the same
// <raw table>/<run id> folder under this warehouse's raw root is used if
// it exists: the view and the row are re-pointed to it. Otherwise it
// fails, naming both folders, so that no command reads, rewrites (an
// erasure) or keeps another warehouse's files while deleting its own
// (CleanRaw). Callers hold the warehouse lock.
func repointRaw(ctx context.Context, c *sql.Conn, warehouse string) error {
	root := filepath.Clean(RawRoot(warehouse)) // as CleanRaw and stage name it
	layouts, err := RawLayouts(ctx, c)
	if err != nil {
		return err
	}
	for _, l := range layouts {
		old := filepath.Clean(l.Dir)
		if within(root, old) {
			continue
		}
		if filepath.Base(old) != l.RunID || filepath.Base(filepath.Dir(old)) != l.Table {
			return fmt.Errorf("raw table %s: its files are in %s, outside this warehouse's raw folder %s, and not in a <table>/<run id> folder; restore the warehouse with its own raw folder", l.Table, old, root)
		}
		dir := filepath.Join(root, l.Table, l.RunID)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return fmt.Errorf("raw table %s: the warehouse names raw files in %s (another warehouse's raw folder: was it copied or moved?) and %s does not exist; copy that folder there with the warehouse (cp -a), nothing was read or deleted", l.Table, old, dir)
		}
		// the view first: if the row's update fails, the next open
		// re-points both again
		if err := CreateRawView(ctx, c, l.Table, dir); err != nil {
			return fmt.Errorf("raw table %s: re-point to %s: %w", l.Table, dir, err)
		}
		if err := engine.ExecScript(ctx, c, "raw_files_repoint", nil, engine.Params{"dir": dir, "table": l.Table}); err != nil {
			return fmt.Errorf("raw table %s: re-point to %s: %w", l.Table, dir, err)
		}
	}
	return nil
}

// within reports whether path is root or inside it (both clean).
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
