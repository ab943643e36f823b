package shard

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/manifest"
)

// RenameParts renames the part files a shard's export wrote under dir so
// that no two shards of the run name a file alike: file n of shard I of N
// becomes file I + N·n (part-<n>.parquet and part-<bucket>-<n>.parquet,
// manifest.FileName), in the same folder. The bucket in a file's name is
// kept, so a subject's files are still found from its subject_key by name
// alone (manifest.MayHold) once the shards' files are put together. A
// Parquet file named otherwise is an error.
func (s Spec) RenameParts(dir string) error {
	var files []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && strings.HasSuffix(p, ".parquet") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// highest numbers first: a new name (I + N·n >= n) never overwrites a
	// file still to be renamed
	type part struct {
		path, bucket string
		n            int
	}
	parts := make([]part, 0, len(files))
	for _, p := range files {
		b, n, ok := partNumber(filepath.Base(p))
		if !ok {
			return fmt.Errorf("shard %s: unexpected export file %s", s.Name(), p)
		}
		parts = append(parts, part{p, b, n})
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].n > parts[j].n })
	for _, pt := range parts {
		to := filepath.Join(filepath.Dir(pt.path), manifest.FileName(pt.bucket, s.I+s.N*pt.n))
		if to == pt.path {
			continue
		}
		if _, err := os.Lstat(to); err == nil {
			return fmt.Errorf("shard %s: %s exists already", s.Name(), to)
		}
		if err := os.Rename(pt.path, to); err != nil {
			return err
		}
	}
	return nil
}

// partNumber reads part-<n>.parquet or part-<bucket>-<n>.parquet.
func partNumber(base string) (bucket string, n int, ok bool) {
	if b, bucketed := manifest.Bucket(base); bucketed {
		num := strings.TrimSuffix(strings.TrimPrefix(base, "part-"+b+"-"), ".parquet")
		n, err := strconv.Atoi(num)
		return b, n, err == nil
	}
	rest, ok1 := strings.CutPrefix(base, "part-")
	num, ok2 := strings.CutSuffix(rest, ".parquet")
	n, err := strconv.Atoi(num)
	return "", n, ok1 && ok2 && err == nil && n >= 0
}

func sortFiles(files []connectors.File) {
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
}
