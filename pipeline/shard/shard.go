// Package shard is a run split over N processes (docs/sharding.md): shard
// I of N stages, enriches and screens only the companies and people whose
// shard key hashes to I (sql/shard_scan.sql), in a warehouse of its own,
// and writes its exports as part files into the run's parts folder beside
// each export; `pipeline commit-run RUN_ID` swaps them in, one manifest
// per export, once every shard of the run succeeded.
//
// The shard key is the domain that decides a person's company (the
// company domain, else the email's domain, normalised as enrichment does),
// so a company and its people, and a subject, always land in one shard.
//
// Layout, for a warehouse W and an export folder D (both on storage every
// shard and the commit step share):
//
//	W.shard-I-of-N                  shard I's warehouse (its .raw, .journal, .lock beside it)
//	W.sharded/RUN_ID/shard-I-of-N.json   shard I's status for the run (running | succeeded)
//	.D.parts-RUN_ID/shard-I-of-N/   shard I's export files and manifest, until the commit
package shard

import (
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/example/pipeline/pipeline/config"
)

// Spec is one shard of a sharded run: shard I (from 0) of N, of the
// sharded run RunID (the same for every shard; chosen by the scheduler).
type Spec struct {
	I, N  int
	RunID string
}

// MaxShards bounds N.
const MaxShards = 1024

var runIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Parse reads "I/N" (0 <= I < N) and the run id every shard of the run
// is given.
func Parse(s, runID string) (Spec, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || n > MaxShards || i < 0 || i >= n {
		return Spec{}, fmt.Errorf("--shard %q: want I/N with 0 <= I < N <= %d (e.g. --shard 0/4)", s, MaxShards)
	}
	if err := CheckRunID(runID); err != nil {
		return Spec{}, err
	}
	return Spec{I: i, N: n, RunID: runID}, nil
}

// CheckRunID refuses a sharded run id that is empty or not a plain name
// (letters, digits, '.', '_', '-'; at most 64 characters): it names
// folders.
func CheckRunID(runID string) error {
	if runID == "" {
		return fmt.Errorf("a sharded run needs --run-id ID, the same for every shard of the run (e.g. the scheduler's run id)")
	}
	if !runIDPattern.MatchString(runID) {
		return fmt.Errorf("run id %q: use letters, digits, '.', '_' and '-' only (at most 64 characters, not starting with '.', '_' or '-')", runID)
	}
	return nil
}

// Name is "shard-I-of-N".
func (s Spec) Name() string { return fmt.Sprintf("shard-%d-of-%d", s.I, s.N) }

// Warehouse is shard s's warehouse file: the unsharded one's path with
// ".shard-I-of-N" appended.
func (s Spec) Warehouse(warehouse string) string { return warehouse + "." + s.Name() }

// StatusDir is where the shards of run runID record their status.
func StatusDir(warehouse, runID string) string {
	return filepath.Join(warehouse+".sharded", runID)
}

// PartsDir is the folder beside export folder dir that holds the part
// files of sharded run runID until the commit.
func PartsDir(dir, runID string) string {
	clean := filepath.Clean(dir)
	return filepath.Join(filepath.Dir(clean), "."+filepath.Base(clean)+".parts-"+runID)
}

// PartsGlob matches the parts folders of every sharded run of dir.
func PartsGlob(dir string) string {
	clean := filepath.Clean(dir)
	return filepath.Join(filepath.Dir(clean), "."+filepath.Base(clean)+".parts-*")
}

// ExportDir is the folder shard s writes export dir's files into.
func (s Spec) ExportDir(dir string) string {
	return filepath.Join(PartsDir(dir, s.RunID), s.Name())
}

// Apply returns a copy of cfg for shard s: its own warehouse and temp
// folder, and every export's "dir" redirected into the run's parts
// folder. An export without a "dir" (a sink that is not a folder of
// files, such as a database table) is refused: its rows could not be
// swapped in as one once every shard has written.
func Apply(cfg *config.Config, s Spec) (*config.Config, error) {
	if cfg.Warehouse == "" || cfg.Warehouse == ":memory:" {
		return nil, fmt.Errorf("a sharded run needs a warehouse file (warehouse: in pipeline.yaml): each shard keeps its own beside it")
	}
	out := *cfg
	out.Warehouse = s.Warehouse(cfg.Warehouse)
	out.Engine.TempDirectory = filepath.Join(cfg.Engine.TempDirectory, s.Name())
	out.Exports = make(map[string]*config.Export, len(cfg.Exports))
	for _, name := range cfg.ExportOrder {
		ex := *cfg.Exports[name]
		dir := ExportFolder(cfg, &ex)
		if dir == "" {
			return nil, fmt.Errorf("export %q (connector %s): a sharded run writes only to sinks with a dir option (a folder of files); run this export unsharded", name, ex.Sink.Connector)
		}
		ex.Sink.Options = maps.Clone(ex.Sink.Options)
		ex.Sink.Options["dir"] = s.ExportDir(dir)
		if _, ok := ex.Sink.RawOptions["dir"]; ok {
			ex.Sink.RawOptions = maps.Clone(ex.Sink.RawOptions)
			ex.Sink.RawOptions["dir"] = ex.Sink.Options["dir"]
		}
		out.Exports[name] = &ex
	}
	return &out, nil
}

// ExportFolder is export ex's folder (its sink's "dir" option, absolute;
// "" when it has none).
func ExportFolder(cfg *config.Config, ex *config.Export) string {
	d, _ := ex.Sink.Options["dir"].(string)
	if d == "" {
		return ""
	}
	if !filepath.IsAbs(d) {
		d = filepath.Join(cfg.Dir, d)
	}
	return filepath.Clean(d)
}
