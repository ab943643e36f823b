package rights

import (
	"path/filepath"
	"sort"
	"strconv"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// nullBucketDir is the folder of a bucketed raw table's rows without a
// bucket (no valid email): DuckDB's PARTITION_BY name for NULL.
const nullBucketDir = "_bucket=__HIVE_DEFAULT_PARTITION__"

// bucketFiles lists the files a bucketed search (d.Bucket set by
// bucketFilter) has to read: those in the folders of the buckets its
// filter keeps. The stage writes a bucketed raw table with PARTITION_BY
// (_bucket) (sql/stage_table.sql), so every row of bucket K is in
// <dir>/_bucket=K/ and every row without a bucket in nullBucketDir; the
// filter still guards each row read. The other buckets' files are not
// opened at all, so the search's cost does not grow with the number of
// buckets. Empty: none of those folders has a file (nothing to read).
func (f *Findings) bucketFiles(d matchCols) ([]string, error) {
	var dirs []string
	switch {
	case d.Bucket == nil:
		return nil, nil
	case d.HopOnly:
		dirs = []string{nullBucketDir}
	default:
		dirs = []string{"_bucket=" + strconv.Itoa(engine.EmailBucket(f.Subject.Email, d.Raw.Buckets))}
		if len(d.Phone)+len(d.Profile) > 0 {
			dirs = append(dirs, nullBucketDir)
		}
	}
	var files []string
	for _, dir := range dirs {
		// the raw folder's path has no glob characters (warehouse.CheckRawRoot)
		m, err := filepath.Glob(filepath.Join(d.Raw.Dir, dir, "*.parquet"))
		if err != nil {
			return nil, err
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	return files, nil
}

// narrowToBuckets sets d's bucket filter (bucketFilter) and, for a
// bucketed search, makes it read only those buckets' files (bucketFiles);
// a keyed search of a keyed table's files reads its key's bucket.
// some is false when no file holds them: the table has nothing to search.
func (f *Findings) narrowToBuckets(d *matchCols) (some bool, err error) {
	if d.Keyed != "" && d.Raw != nil {
		// a keyed table's files (warehouse.StoreKeyed): every row of the
		// subject has their key, so is in their key's bucket
		files, err := warehouse.KeyedBucketFiles(*d.Raw, f.Subject.Key)
		if err != nil || len(files) == 0 {
			return false, err
		}
		d.From = engine.Scan{RawFiles: files}
		return true, nil
	}
	d.Bucket = f.bucketFilter(*d)
	if d.Bucket == nil {
		return true, nil
	}
	files, err := f.bucketFiles(*d)
	if err != nil || len(files) == 0 {
		return false, err
	}
	d.From = engine.Scan{RawFiles: files}
	return true, nil
}
