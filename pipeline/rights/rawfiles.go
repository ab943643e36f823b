package rights

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"

	"github.com/example/pipeline/pipeline/durable"
	"github.com/example/pipeline/pipeline/engine"
)

// Raw tables are Parquet files (flow/rawfiles.go): erasure and retention
// change them by rewriting a file without some of its rows.

// rawRows is the number of rows in one raw file (from its metadata).
func rawRows(ctx context.Context, c *sql.Conn, file string) (int64, error) {
	var n int64
	err := c.QueryRowContext(ctx, engine.SQL("parquet_file_rows"), sql.Named("file", file)).Scan(&n)
	return n, err
}

// rewriteRaw runs the COPY template name, which writes the rows of $file
// to keep into $tmp (file + ".tmp", never matched by the raw views'
// *.parquet), and returns how many it kept. When accept(kept) holds, the
// temp file is synced and renamed over file (done); otherwise it is
// removed and file left as it was. A crash leaves file whole: the old one
// or the new one.
func rewriteRaw(ctx context.Context, c *sql.Conn, name string, data any, p params, file string, accept func(kept int64) bool) (kept int64, done bool, err error) {
	tmp := file + ".tmp"
	p["file"], p["tmp"] = file, tmp
	if kept, err = execT(ctx, c, name, data, p); err != nil {
		os.Remove(tmp)
		return 0, false, err
	}
	if !accept(kept) {
		return kept, false, os.Remove(tmp)
	}
	if err := durable.Sync(tmp); err != nil {
		return kept, false, err
	}
	if err := os.Rename(tmp, file); err != nil {
		return kept, false, err
	}
	return kept, true, durable.Sync(filepath.Dir(file))
}
