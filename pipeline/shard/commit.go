package shard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/manifest"
	"github.com/example/pipeline/connectors/parquet"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/durable"
	"github.com/example/pipeline/pipeline/warehouse"
)

// Committed is an export swapped in by Commit.
type Committed struct {
	Export string `json:"export"`
	Dir    string `json:"dir"`
	Rows   int64  `json:"rows"`
	Files  int    `json:"files"`
	// Already: the export carried this run's manifest before (a commit
	// repeated after it succeeded, or finished after a crash).
	Already bool `json:"already,omitempty"`
}

// committedFile marks a run whose commit completed.
const committedFile = "committed.json"

// Commit swaps the exports of sharded run runID in, once every shard of
// it succeeded (Complete): for each export, the part files of all N
// shards are moved into one staging folder beside the export, described
// by one manifest, and the folder is swapped in by rename (the previous
// export is set aside, then removed). It holds every shard warehouse's
// lock meanwhile, so no shard run and no rights command runs during the
// swap. When a shard is missing or failed it changes nothing and returns
// ErrIncomplete. A commit interrupted part way is finished (or undone,
// then redone) by running it again.
func Commit(ctx context.Context, cfg *config.Config, runID string, notify io.Writer) ([]Committed, error) {
	if err := CheckRunID(runID); err != nil {
		return nil, err
	}
	sts, err := ReadStatuses(cfg.Warehouse, runID)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrIncomplete, err)
	}
	n, err := Complete(runID, sts)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		lk, err := warehouse.WaitLock(ctx, Spec{I: i, N: n}.Warehouse(cfg.Warehouse), "pipeline commit-run "+runID, notify)
		if err != nil {
			return nil, err
		}
		defer lk.Unlock()
	}
	var out []Committed
	for _, name := range cfg.ExportOrder {
		dir := ExportFolder(cfg, cfg.Exports[name])
		if dir == "" {
			return out, fmt.Errorf("export %q: a sharded run writes only to sinks with a dir option", name)
		}
		want := sts[0].Exports[name]
		for _, st := range sts[1:] {
			want += st.Exports[name]
		}
		c, err := commitExport(ctx, name, dir, runID, n, want)
		if err != nil {
			return out, fmt.Errorf("export %q: %w", name, err)
		}
		out = append(out, c)
	}
	if err := durable.WriteJSON(filepath.Join(StatusDir(cfg.Warehouse, runID), committedFile), out); err != nil {
		return out, fmt.Errorf("record the commit: %w", err)
	}
	return out, nil
}

// commitExport swaps one export's parts in (see Commit); want is the rows
// the shards reported.
func commitExport(ctx context.Context, name, target, runID string, n int, want int64) (Committed, error) {
	parts := PartsDir(target, runID)
	_, staging, old := parquet.SwapPaths(target, runID)
	if err := recoverSwap(target, old); err != nil {
		return Committed{}, err
	}
	if m, err := manifest.Read(target); err == nil && m.Metadata["sharded_run_id"] == runID {
		// swapped in already: only the parts folder may be left
		return Committed{Export: name, Dir: target, Rows: m.Rows, Files: len(m.Files), Already: true}, os.RemoveAll(parts)
	}
	if _, err := os.Stat(parts); err != nil {
		return Committed{}, fmt.Errorf("no part files of run %q (%s): %w", runID, parts, err)
	}
	shards := make([]*manifest.Manifest, n)
	for i := range shards {
		sd := filepath.Join(parts, Spec{I: i, N: n}.Name())
		m, err := manifest.Read(sd)
		if err != nil {
			return Committed{}, fmt.Errorf("%s: its manifest: %w (did the shard write this export?)", sd, err)
		}
		shards[i] = m
	}
	if err := putBack(parts, staging, shards); err != nil {
		return Committed{}, err
	}
	if err := os.Mkdir(staging, 0o700); err != nil {
		return Committed{}, err
	}
	merged := &manifest.Manifest{Metadata: map[string]string{}, Columns: shards[0].Columns, Partitioning: shards[0].Partitioning}
	var ids []string
	for i, m := range shards {
		if err := ctx.Err(); err != nil {
			return Committed{}, err
		}
		sd := filepath.Join(parts, Spec{I: i, N: n}.Name())
		if err := moveFiles(sd, staging, m.Files); err != nil {
			return Committed{}, err
		}
		merged.Files = append(merged.Files, m.Files...)
		merged.Rows += m.Rows
		merged.BucketDigits = max(merged.BucketDigits, m.BucketDigits)
		ids = append(ids, m.Metadata["run_id"])
	}
	for k, v := range shards[0].Metadata {
		merged.Metadata[k] = v
	}
	merged.Metadata["run_id"], merged.Metadata["sharded_run_id"] = runID, runID
	merged.Metadata["shards"], merged.Metadata["shard_run_ids"] = strconv.Itoa(n), strings.Join(ids, ",")
	if merged.Rows != want {
		return Committed{}, fmt.Errorf("the part files hold %d rows, the shards reported %d: not swapped in", merged.Rows, want)
	}
	sortFiles(merged.Files)
	if err := manifest.Write(staging, merged); err != nil {
		return Committed{}, fmt.Errorf("manifest: %w", err)
	}
	if err := parquet.Swap(staging, target, old); err != nil {
		return Committed{}, err
	}
	return Committed{Export: name, Dir: target, Rows: merged.Rows, Files: len(merged.Files)}, os.RemoveAll(parts)
}

// moveFiles renames each listed file (paths relative, slash-separated)
// from one folder into the same place under another; a file already
// there is an error (two shards never name a file alike: RenameParts).
func moveFiles(from, to string, files []connectors.File) error {
	for _, f := range files {
		rel := filepath.FromSlash(f.Path)
		dst := filepath.Join(to, rel)
		if _, err := os.Lstat(dst); err == nil {
			return fmt.Errorf("two shards wrote %s: not swapped in", f.Path)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(from, rel), dst); err != nil {
			return fmt.Errorf("move a part file: %w", err)
		}
	}
	return nil
}

// putBack undoes a commit interrupted while it moved files into staging:
// every file a shard's manifest lists that is in staging goes back to
// the shard's folder, and staging is removed once it holds no part file.
func putBack(parts, staging string, shards []*manifest.Manifest) error {
	if _, err := os.Stat(staging); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	for i, m := range shards {
		sd := filepath.Join(parts, Spec{I: i, N: len(shards)}.Name())
		for _, f := range m.Files {
			rel := filepath.FromSlash(f.Path)
			src, dst := filepath.Join(staging, rel), filepath.Join(sd, rel)
			if _, err := os.Lstat(src); err != nil {
				continue
			}
			if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
				return err
			}
			if err := os.Rename(src, dst); err != nil {
				return fmt.Errorf("undo an interrupted commit: %w", err)
			}
		}
	}
	left, err := manifest.Inventory(context.Background(), staging)
	if err != nil || len(left) > 0 {
		return fmt.Errorf("undo an interrupted commit: %s still holds %d part files no shard lists (%v); move them away", staging, len(left), err)
	}
	return os.RemoveAll(staging)
}

// recoverSwap puts back a previous export that a swap interrupted between
// its two renames left aside.
func recoverSwap(target, old string) error {
	if _, err := os.Lstat(target); err == nil {
		return nil
	}
	if _, err := os.Lstat(old); err != nil {
		return nil
	}
	if err := os.Rename(old, target); err != nil {
		return fmt.Errorf("put the previous export back: %w", err)
	}
	return nil
}

// Discard removes what sharded run runID left that was never committed:
// its part files (personal data) and its status folder. A committed run
// has no part files left; its status folder goes too.
func Discard(cfg *config.Config, runID string) ([]string, error) {
	if err := CheckRunID(runID); err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, name := range cfg.ExportOrder {
		dir := ExportFolder(cfg, cfg.Exports[name])
		if dir == "" {
			continue
		}
		p := PartsDir(dir, runID)
		if _, err := os.Lstat(p); err == nil {
			if err := os.RemoveAll(p); err != nil {
				errs = append(errs, err)
				continue
			}
			removed = append(removed, p)
		}
	}
	if err := os.RemoveAll(StatusDir(cfg.Warehouse, runID)); err != nil {
		errs = append(errs, err)
	}
	return removed, errors.Join(errs...)
}

// RemoveUncommitted removes the part files of every sharded run not yet
// committed (all runs' parts folders beside the config's export
// folders). A rights command that changes what may be exported (an
// erasure) calls it first: those files were written before the change,
// and committing them would export what was just erased. The runs
// must be run again; their commit fails until then.
func RemoveUncommitted(cfg *config.Config) ([]string, error) {
	var removed []string
	var errs []error
	for _, name := range cfg.ExportOrder {
		dir := ExportFolder(cfg, cfg.Exports[name])
		if dir == "" {
			continue
		}
		ps, err := filepath.Glob(PartsGlob(dir))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, p := range ps {
			if err := os.RemoveAll(p); err != nil {
				errs = append(errs, err)
				continue
			}
			removed = append(removed, p)
		}
	}
	return removed, errors.Join(errs...)
}
