package flow

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/example/pipeline/connectors/manifest"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// bucketPrefix is the folder DuckDB writes a bucket's files into before
// the run renames them (sql/export_copy.sql).
const bucketPrefix = "__bucket="

func bucketData(ex *config.Export) map[string]any {
	digits := make([]int, manifest.MaxBucketDigits+1)
	for i := range digits {
		digits[i] = i
	}
	return map[string]any{"Columns": config.ExportColumns(ex), "PartitionBy": ex.PartitionBy, "Digits": digits, "MaxDigits": manifest.MaxBucketDigits}
}

// bucketDigits is how many leading hex characters of subject_key name the
// buckets of an export so that none of its files holds more than its
// rows_per_file rows (0: one file per partition is small enough). When
// even manifest.MaxBucketDigits are not enough it returns that many.
func bucketDigits(ctx context.Context, c *sql.Conn, ex *config.Export) (int, error) {
	q, err := engine.Render("export_bucket_digits", bucketData(ex))
	if err != nil {
		return 0, err
	}
	var n sql.NullInt64
	if err := c.QueryRowContext(ctx, strings.TrimSuffix(strings.TrimSpace(q), ";"),
		params{"campaign": ex.Campaign, "rows": ex.FileRows()}.Args()...).Scan(&n); err != nil {
		return 0, fmt.Errorf("export_bucket_digits.sql: %w", err)
	}
	if !n.Valid {
		return manifest.MaxBucketDigits, nil
	}
	return int(n.Int64), nil
}

// nameBuckets renames every <dir>/__bucket=<b>/part-<n>.parquet DuckDB
// wrote under staging to <dir>/part-<b>-<n>.parquet (manifest.FileName)
// and removes the emptied bucket folders.
func nameBuckets(staging string) error {
	var dirs []string
	err := filepath.WalkDir(staging, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && strings.HasPrefix(e.Name(), bucketPrefix) {
			dirs = append(dirs, p)
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, d := range dirs {
		b := strings.TrimPrefix(filepath.Base(d), bucketPrefix)
		ents, err := os.ReadDir(d)
		if err != nil {
			return err
		}
		for _, e := range ents {
			var n int
			if _, err := fmt.Sscanf(e.Name(), "part-%d.parquet", &n); err != nil {
				return fmt.Errorf("unexpected file %s in a bucket folder", filepath.Join(d, e.Name()))
			}
			if err := os.Rename(filepath.Join(d, e.Name()), filepath.Join(filepath.Dir(d), manifest.FileName(b, n))); err != nil {
				return err
			}
		}
		if err := os.Remove(d); err != nil {
			return err
		}
	}
	return nil
}
