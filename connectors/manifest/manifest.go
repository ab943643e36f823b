// Package manifest owns the manifest of an export folder: the file a
// Parquet export is described by (files, rows, bytes, checksums, the
// subject_key bucket of each file), written by the sink that adopts the
// files and rewritten by the host after an erasure. Nothing else reads or
// writes it.
//
// File layout (docs/exports-files.md): an export's rows are grouped by
// the first Digits hex characters of their subject_key (the bucket) into
// files named part-<bucket>-<n>.parquet (inside the partition folders, if
// any); an export small enough for one file per partition has no bucket
// (Digits 0) and files named part-<n>.parquet. A subject's files are
// therefore found from its subject_key by name alone (MayHold).
//
// Like everything under connectors/, it builds without cgo.
package manifest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	pq "github.com/parquet-go/parquet-go"

	"github.com/example/pipeline/connectors"
)

// Name is the manifest file written beside an export's files.
const Name = "_manifest.json"

// Manifest describes one export folder.
type Manifest struct {
	Metadata map[string]string `json:"metadata"`
	// Columns and Partitioning describe the export (connectors.ExportDoc),
	// when the host sent a description.
	Columns      []connectors.ColumnDoc   `json:"columns,omitempty"`
	Partitioning *connectors.Partitioning `json:"partitioning,omitempty"`
	Rows         int64                    `json:"rows"`
	// BucketDigits is how many leading hex characters of subject_key name
	// a file's bucket (0: files are not bucketed).
	BucketDigits int               `json:"bucket_digits,omitempty"`
	Files        []connectors.File `json:"files"`
}

// Read reads an export folder's manifest.
func Read(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, Name))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, Name), err)
	}
	return &m, nil
}

// Write replaces an export folder's manifest atomically (temp file, then
// rename), 0600.
func Write(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, Name)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return errors.Join(err, os.Remove(tmp))
	}
	return nil
}

// Build inventories dir (see Inventory) into a manifest with the given
// metadata.
func Build(ctx context.Context, dir string, metadata map[string]string) (*Manifest, error) {
	files, err := Inventory(ctx, dir)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Metadata: metadata, Files: files}
	for _, f := range files {
		m.Rows += f.Rows
		if len(f.Bucket) > m.BucketDigits {
			m.BucketDigits = len(f.Bucket)
		}
	}
	return m, nil
}

// Inventory lists the Parquet files under dir (sorted, paths relative to
// dir, slash-separated) with their row counts read from each file's
// footer, their SHA-256 and their bucket.
func Inventory(ctx context.Context, dir string) ([]connectors.File, error) {
	var files []connectors.File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".parquet") {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := Describe(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		f.Path = filepath.ToSlash(rel)
		files = append(files, f)
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, err
}

// Describe reads one Parquet file's row count and SHA-256; Path is left
// as given and Bucket is read from its name.
func Describe(path string) (connectors.File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return connectors.File{}, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return connectors.File{}, err
	}
	pf, err := pq.OpenFile(fh, st.Size())
	if err != nil {
		return connectors.File{}, fmt.Errorf("%s: not a readable Parquet file: %w", path, err)
	}
	h := sha256.New()
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return connectors.File{}, err
	}
	if _, err := io.Copy(h, fh); err != nil {
		return connectors.File{}, err
	}
	b, _ := Bucket(path)
	return connectors.File{Path: path, Rows: pf.NumRows(), Bytes: st.Size(), SHA256: hex.EncodeToString(h.Sum(nil)), Bucket: b}, nil
}

// Refresh recomputes rows, bytes and checksums of the files of dir's
// manifest that changed (paths relative to dir, slash-separated); the
// others are kept as listed, unread. A changed file that is gone was left
// without rows and removed: it leaves the manifest. A folder without a
// manifest is left alone.
func Refresh(dir string, changed map[string]bool) error {
	m, err := Read(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	m.Rows = 0
	kept := m.Files[:0]
	for _, f := range m.Files {
		if changed[f.Path] {
			p := filepath.Join(dir, filepath.FromSlash(f.Path))
			if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
				continue
			}
			d, err := Describe(p)
			if err != nil {
				return err
			}
			d.Path = f.Path
			f = d
		}
		kept = append(kept, f)
		m.Rows += f.Rows
	}
	m.Files = kept
	return Write(dir, m)
}
