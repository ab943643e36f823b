package warehouse

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/example/pipeline/connectors/manifest"
	"github.com/example/pipeline/connectors/parquet"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/durable"
	"github.com/example/pipeline/pipeline/engine"
)

// A run's journal makes it one unit with its exports. It is written when
// the run starts (its process id and the folder of every export it may
// write) and updated with each staging folder the run creates; the run
// removes it once every staged export is in place or thrown away. A
// journal left behind means the run's process died: the next command that
// takes the warehouse lock (EnsureSchema) finishes the run's business —
//
//   - an export whose folder carries the run's manifest is in place: the
//     previous export it set aside is removed (rolled forward);
//   - any other export of the run is rolled back: its staging folder is
//     removed, a previous export set aside is put back, and its lineage
//     rows (committed or not) are deleted, so the index says only what was
//     delivered;
//   - the run's row, still 'running', becomes 'crashed'.
//
// The journal holds no personal data: names, folders, a process id.

// JournalDir is the folder of a warehouse's run journals.
func JournalDir(warehouse string) string { return warehouse + ".journal" }

// Journal is the record of one run in progress (see above). A run
// creates it with NewJournal before it writes anything an export could
// leave behind, and Saves it after each change.
type Journal struct {
	RunID   string          `json:"run_id"`
	PID     int             `json:"pid"`
	Started time.Time       `json:"started_at"`
	Exports []JournalExport `json:"exports"`
	path    string
}

// NewJournal is the journal of run runID of the warehouse at path
// warehouse, not yet saved.
func NewJournal(warehouse, runID string, pid int, started time.Time) *Journal {
	return &Journal{RunID: runID, PID: pid, Started: started, path: filepath.Join(JournalDir(warehouse), runID+".json")}
}

// Path is where the journal is saved.
func (j *Journal) Path() string { return j.path }

// JournalExport is one export a journaled run may write.
type JournalExport struct {
	Export  string `json:"export"`
	Dir     string `json:"dir"`               // the export's folder (file sinks only)
	Staging string `json:"staging,omitempty"` // the staging folder, once created
}

// Save writes the journal durably (write, fsync, rename).
func (j *Journal) Save() error {
	return durable.WriteJSON(j.path, j)
}

// recoverRuns settles every run whose process died (see Journal) and
// marks every run still 'running' as crashed. The caller holds the
// warehouse lock: no run is in progress.
func recoverRuns(ctx context.Context, c *sql.Conn, warehouse string, now time.Time) error {
	if warehouse == "" || warehouse == ":memory:" {
		return nil
	}
	paths, err := filepath.Glob(filepath.Join(JournalDir(warehouse), "*.json"))
	if err != nil {
		return err
	}
	sort.Strings(paths)
	var errs []error
	for _, p := range paths {
		if err := recoverRun(ctx, c, p, now); err != nil {
			errs = append(errs, fmt.Errorf("recover the run of %s: %w", p, err))
		}
	}
	if err := engine.ExecScript(ctx, c, "runs_crashed", nil, engine.Params{"run_id": "", "now": now,
		"error": "the run's process ended without finishing it"}); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func recoverRun(ctx context.Context, c *sql.Conn, path string, now time.Time) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var j Journal
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	var notes []string
	for _, e := range j.Exports {
		note, err := SettleExport(ctx, c, j.RunID, e)
		if err != nil {
			return fmt.Errorf("export %q: %w", e.Export, err)
		}
		notes = append(notes, note)
	}
	msg := fmt.Sprintf("process %d ended without finishing the run", j.PID)
	if len(notes) > 0 {
		msg += "; exports: " + strings.Join(notes, ", ")
	}
	if err := engine.ExecScript(ctx, c, "runs_crashed", nil, engine.Params{"run_id": j.RunID, "now": now, "error": msg}); err != nil {
		return err
	}
	return os.Remove(path)
}

// SettleExport rolls one export of a dead run forward (its folder is in
// place) or back, and says which ("<export> in place" or "<export> rolled
// back"). The caller holds the warehouse lock.
func SettleExport(ctx context.Context, c *sql.Conn, runID string, e JournalExport) (string, error) {
	if e.Dir == "" {
		if err := os.RemoveAll(e.Staging); err != nil {
			return "", err
		}
		if err := engine.ExecScript(ctx, c, "lineage_rollback", nil, engine.Params{"run_id": runID, "export": e.Export}); err != nil {
			return "", err
		}
		return e.Export + " rolled back", nil
	}
	target, staging, old := parquet.SwapPaths(e.Dir, runID)
	if m, err := manifest.Read(target); err == nil && m.Metadata["run_id"] == runID {
		if err := os.RemoveAll(old); err != nil {
			return "", err
		}
		return e.Export + " in place", nil
	}
	if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(old); err == nil {
			if err := os.Rename(old, target); err != nil {
				return "", fmt.Errorf("put the previous export back: %w", err)
			}
		}
	}
	for _, d := range []string{staging, e.Staging, old} {
		if d == "" {
			continue
		}
		if err := os.RemoveAll(d); err != nil {
			return "", err
		}
	}
	if err := engine.ExecScript(ctx, c, "lineage_rollback", nil, engine.Params{"run_id": runID, "export": e.Export}); err != nil {
		return "", err
	}
	return e.Export + " rolled back", nil
}

// Leftovers lists the staging and set-aside folders of unfinished runs
// that exist beside the config's export folders. After EnsureSchema there
// are none unless their removal failed; rights searches any that exist.
func Leftovers(cfg *config.Config) ([]string, error) {
	var out []string
	for _, name := range cfg.ExportOrder {
		d := sinkDir(cfg.Exports[name])
		if d == "" {
			continue
		}
		l, err := parquet.Leftovers(d)
		if err != nil {
			return nil, err
		}
		parts, err := shardParts(d) // an uncommitted sharded run's part files
		if err != nil {
			return nil, err
		}
		out = append(append(out, l...), parts...)
	}
	return out, nil
}

// RemoveLeftovers settles the Leftovers of dead runs: a previous export
// set aside whose folder is missing is put back, every other leftover is
// removed. The caller holds the warehouse lock (no run is in progress);
// it returns what it removed.
func RemoveLeftovers(cfg *config.Config) ([]string, error) {
	var removed []string
	var errs []error
	for _, name := range cfg.ExportOrder {
		d := sinkDir(cfg.Exports[name])
		if d == "" {
			continue
		}
		l, err := parquet.Leftovers(d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, p := range l {
			if strings.Contains(filepath.Base(p), ".old-") {
				if _, err := os.Lstat(d); errors.Is(err, fs.ErrNotExist) {
					if err := os.Rename(p, d); err != nil {
						errs = append(errs, fmt.Errorf("put %s back: %w", p, err))
					}
					continue
				}
			}
			if err := os.RemoveAll(p); err != nil {
				errs = append(errs, fmt.Errorf("remove %s: %w", p, err))
				continue
			}
			removed = append(removed, p)
		}
	}
	return removed, errors.Join(errs...)
}

// sinkDir is the folder an export's sink writes into (its "dir" option;
// "" for sinks that write no files).
func sinkDir(ex *config.Export) string {
	s, _ := ex.Sink.Options["dir"].(string)
	return s
}
