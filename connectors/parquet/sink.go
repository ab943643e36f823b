package parquet

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/manifest"
)

// ManifestName is the manifest file written beside an export's files
// (owned by connectors/manifest).
const ManifestName = manifest.Name

// Sink writes Parquet files into a directory (option "dir"), replacing the
// previous export atomically.
type Sink struct{}

var (
	_ connectors.Sink         = (*Sink)(nil)
	_ connectors.NativeWriter = (*Sink)(nil)
	_ connectors.Aborter      = (*Sink)(nil)
)

// NewSink returns the Parquet sink.
func NewSink() *Sink { return &Sink{} }

// Describe implements connectors.Describer.
func (*Sink) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{
		Name: Name, Kind: connectors.KindSink, Version: Version,
		Capabilities: []string{connectors.CapNativeWrite},
		Options: []connectors.OptionSpec{
			{Name: "dir", Type: "string", Required: true, Doc: "export directory, relative to pipeline.yaml"},
		},
	}, nil
}

// Validate implements connectors.Describer.
func (*Sink) Validate(_ context.Context, opts connectors.Options) error {
	if opts.String("dir") == "" {
		return fmt.Errorf("%w: option \"dir\" is required", connectors.ErrBadOptions)
	}
	return nil
}

func paths(dir, runID string) (target, staging, old string) {
	clean := filepath.Clean(dir)
	parent, base := filepath.Dir(clean), filepath.Base(clean)
	return clean, filepath.Join(parent, "."+base+".staging-"+runID), filepath.Join(parent, "."+base+".old-"+runID)
}

// recover puts back a previous export left aside by a swap that crashed
// between its two renames.
func recoverSwap(target string) error {
	if _, err := os.Stat(target); err == nil {
		return nil
	}
	parent, base := filepath.Dir(target), filepath.Base(target)
	olds, _ := filepath.Glob(filepath.Join(parent, "."+base+".old-*"))
	if len(olds) == 0 {
		return nil
	}
	sort.Strings(olds)
	return os.Rename(olds[len(olds)-1], target)
}

// StagingDir implements connectors.NativeWriter: a fresh 0700 directory
// beside the target, on the same filesystem so the swap is a rename.
func (s *Sink) StagingDir(ctx context.Context, export, runID string, opts connectors.Options) (string, error) {
	if err := s.Validate(ctx, opts); err != nil {
		return "", err
	}
	target, staging, _ := paths(opts.String("dir"), runID)
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return "", fmt.Errorf("parquet sink: %w", err)
	}
	if err := recoverSwap(target); err != nil {
		return "", fmt.Errorf("parquet sink: restore previous export: %w", err)
	}
	if err := Replaceable(target); err != nil {
		return "", fmt.Errorf("parquet sink: %w", err)
	}
	if err := os.RemoveAll(staging); err != nil {
		return "", fmt.Errorf("parquet sink: %w", err)
	}
	if err := os.Mkdir(staging, 0o700); err != nil {
		return "", fmt.Errorf("parquet sink: %w", err)
	}
	return staging, nil
}

// Abort implements connectors.Aborter: it removes the staging directory.
func (s *Sink) Abort(_ context.Context, _ string, runID string, opts connectors.Options) error {
	_, staging, _ := paths(opts.String("dir"), runID)
	return os.RemoveAll(staging)
}

// Write implements connectors.Sink. Only staged (native) writes are
// supported: the host has DuckDB write the files.
func (s *Sink) Write(ctx context.Context, req connectors.WriteRequest) (*connectors.WriteResult, error) {
	if req.StagedDir == "" {
		return nil, fmt.Errorf("parquet sink: export %q: only native writes are supported (no StagedDir)", req.Export)
	}
	target, staging, old := paths(req.Options.String("dir"), req.RunID)
	if filepath.Clean(req.StagedDir) != staging {
		return nil, fmt.Errorf("parquet sink: export %q: staged dir %s is not the one this sink handed out", req.Export, req.StagedDir)
	}
	// the export's description (connectors.ExportDoc), when the host sent one
	doc, md, err := connectors.TakeExportDoc(req.Metadata)
	if err != nil {
		return nil, fmt.Errorf("parquet sink: export %q: %w", req.Export, err)
	}
	m, err := manifest.Build(ctx, staging, md)
	if err != nil {
		return nil, fmt.Errorf("parquet sink: export %q: %w", req.Export, err)
	}
	if doc != nil {
		m.Columns, m.Partitioning = doc.Columns, doc.Partitioning
	}
	if err := manifest.Write(staging, m); err != nil {
		return nil, fmt.Errorf("parquet sink: export %q: manifest: %w", req.Export, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := Swap(staging, target, old); err != nil {
		return nil, fmt.Errorf("parquet sink: export %q: %w", req.Export, err)
	}
	return &connectors.WriteResult{Location: target, Rows: m.Rows, Files: m.Files}, nil
}

// Swap replaces target by staging: target is moved aside to old, staging
// renamed into place, old removed. A crash between the renames is undone
// by the next StagingDir call.
func Swap(staging, target, old string) error {
	if err := Replaceable(target); err != nil {
		return err
	}
	hadOld := false
	if _, err := os.Lstat(target); err == nil {
		if err := os.Rename(target, old); err != nil {
			return fmt.Errorf("move previous export aside: %w", err)
		}
		hadOld = true
	}
	if err := os.Rename(staging, target); err != nil {
		if hadOld {
			_ = os.Rename(old, target)
		}
		return fmt.Errorf("move new export into place: %w", err)
	}
	if hadOld {
		return os.RemoveAll(old)
	}
	return nil
}

// ErrNotOurs means an export folder exists but was not written by
// pipeline: a swap would delete whatever it holds.
var ErrNotOurs = errors.New("not an export folder written by pipeline")

// Replaceable reports (nil) whether target may be replaced by a swap: it
// does not exist, is an empty folder, or is a folder (not a link) holding
// the manifest an export writes, with its run id. Anything else is
// ErrNotOurs, naming the path.
func Replaceable(target string) error {
	st, err := os.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export folder %s: %w", target, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("export folder %s is a %s: %w; move it away or choose another dir", target, kindOf(st.Mode()), ErrNotOurs)
	}
	if ents, err := os.ReadDir(target); err == nil && len(ents) == 0 {
		return nil
	}
	m, err := manifest.Read(target)
	if err != nil || m.Metadata["run_id"] == "" {
		return fmt.Errorf("export folder %s exists without the %s a run writes: %w; a run replaces its export folder as a whole, so move it away or choose another dir", target, ManifestName, ErrNotOurs)
	}
	return nil
}

func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m.IsRegular():
		return "file"
	default:
		return "special file"
	}
}

// SwapPaths returns the folders a swap of dir by run runID uses: the
// target, the staging folder the run writes into, and the folder the
// previous export is moved aside to. Both of the last two hold personal
// data while they exist.
func SwapPaths(dir, runID string) (target, staging, old string) { return paths(dir, runID) }

// Leftovers lists the staging and set-aside folders of any run that exist
// beside dir.
func Leftovers(dir string) ([]string, error) {
	clean := filepath.Clean(dir)
	parent, base := filepath.Dir(clean), filepath.Base(clean)
	var out []string
	for _, kind := range []string{".staging-", ".old-"} {
		m, err := filepath.Glob(filepath.Join(parent, "."+base+kind+"*"))
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	sort.Strings(out)
	return out, nil
}
