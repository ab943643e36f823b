package flow

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

type runJournal struct {
	RunID   string          `json:"run_id"`
	PID     int             `json:"pid"`
	Started time.Time       `json:"started_at"`
	Exports []journalExport `json:"exports"`
	path    string
}

type journalExport struct {
	Export  string `json:"export"`
	Dir     string `json:"dir"`               // the export's folder (file sinks only)
	Staging string `json:"staging,omitempty"` // the staging folder, once created
}

// openJournal records the run's process and export folders before it
// writes anything an export could leave behind.
func (rn *run) openJournal(ctx context.Context) error {
	removed, err := RemoveLeftovers(rn.Config)
	for _, p := range removed {
		rn.Log.Warn().Str("dir", p).Msg("removed the staged export of a run whose process died")
	}
	if err != nil {
		return fmt.Errorf("staged exports of earlier runs: %w", err)
	}
	j := &runJournal{RunID: rn.id, PID: os.Getpid(), Started: rn.started,
		path: filepath.Join(JournalDir(rn.Config.Warehouse), rn.id+".json")}
	for _, name := range rn.Config.ExportOrder {
		if d := stringOption(rn.Config.Exports[name].Sink.Options, "dir"); d != "" {
			j.Exports = append(j.Exports, journalExport{Export: name, Dir: d})
		}
	}
	if err := j.save(); err != nil {
		return fmt.Errorf("run journal: %w", err)
	}
	rn.journal = j
	c, err := rn.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("record run: %w", err)
	}
	defer c.Close()
	if err := execScript(ctx, c, "runs_pid", nil, params{"pid": j.PID, "run_id": rn.id}); err != nil {
		return fmt.Errorf("record run: %w", err)
	}
	return nil
}

// journalStaging records an export's staging folder before anything is
// written into it.
func (rn *run) journalStaging(export, staging string) error {
	if rn.journal == nil {
		return nil
	}
	for i := range rn.journal.Exports {
		if rn.journal.Exports[i].Export == export {
			rn.journal.Exports[i].Staging = staging
		}
	}
	return rn.journal.save()
}

// closeJournal removes the journal when nothing of the run's exports is
// left to settle; otherwise it stays for the next command.
func (rn *run) closeJournal() {
	if rn.journal == nil {
		return
	}
	for _, se := range rn.staged {
		if se.staging != "" {
			if _, err := os.Stat(se.staging); err == nil {
				rn.Log.Warn().Str("export", se.name).Str("dir", se.staging).Msg("staged export left behind; the next command removes it")
				return
			}
		}
	}
	if err := os.Remove(rn.journal.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		rn.Log.Warn().Err(err).Msg("could not remove the run journal; the next command does")
	}
	_ = os.Remove(filepath.Dir(rn.journal.path)) // only when empty

}

// rollbackUnswapped settles, after the run committed, every staged export
// that its sink did not report as put in place (the sink failed, or the
// run stopped first) as the next command would (settleExport): a folder
// that carries the run's manifest after all is kept; otherwise the staging
// folder goes, a previous export set aside is put back, and the export's
// lineage rows are deleted.
func (rn *run) rollbackUnswapped(ctx context.Context, c *sqlConn) error {
	var errs []error
	for _, se := range rn.staged {
		if se.staging == "" {
			continue
		}
		note, err := settleExport(ctx, c, rn.id, journalExport{Export: se.name,
			Dir: stringOption(se.ex.Sink.Options, "dir"), Staging: se.staging})
		if err != nil {
			errs = append(errs, fmt.Errorf("export %q: settle after a failed swap: %w", se.name, err))
			continue
		}
		rn.Log.Warn().Str("export", se.name).Str("outcome", note).Msg("export settled after its sink failed: rolled back means its staged files and lineage are gone and the previous export stays")
		se.staging = ""
	}
	return errors.Join(errs...)
}

func (j *runJournal) save() error {
	return durable.WriteJSON(j.path, j)
}

// recoverRuns settles every run whose process died (see runJournal) and
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
	if err := execScript(ctx, c, "runs_crashed", nil, params{"run_id": "", "now": now,
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
	var j runJournal
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	var notes []string
	for _, e := range j.Exports {
		note, err := settleExport(ctx, c, j.RunID, e)
		if err != nil {
			return fmt.Errorf("export %q: %w", e.Export, err)
		}
		notes = append(notes, note)
	}
	msg := fmt.Sprintf("process %d ended without finishing the run", j.PID)
	if len(notes) > 0 {
		msg += "; exports: " + strings.Join(notes, ", ")
	}
	if err := execScript(ctx, c, "runs_crashed", nil, params{"run_id": j.RunID, "now": now, "error": msg}); err != nil {
		return err
	}
	return os.Remove(path)
}

// settleExport rolls one export of a dead run forward (its folder is in
// place) or back.
func settleExport(ctx context.Context, c *sql.Conn, runID string, e journalExport) (string, error) {
	if e.Dir == "" {
		if err := os.RemoveAll(e.Staging); err != nil {
			return "", err
		}
		if err := execScript(ctx, c, "lineage_rollback", nil, params{"run_id": runID, "export": e.Export}); err != nil {
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
	if err := execScript(ctx, c, "lineage_rollback", nil, params{"run_id": runID, "export": e.Export}); err != nil {
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
		d := stringOption(cfg.Exports[name].Sink.Options, "dir")
		if d == "" {
			continue
		}
		l, err := parquet.Leftovers(d)
		if err != nil {
			return nil, err
		}
		out = append(out, l...)
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
		d := stringOption(cfg.Exports[name].Sink.Options, "dir")
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
