package flow

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/example/pipeline/pipeline/warehouse"
)

// The run's journal (warehouse.Journal) makes it one unit with its
// exports: see the warehouse package for what the next command does with
// a journal left behind.

// openJournal records the run's process and export folders before it
// writes anything an export could leave behind.
func (rn *run) openJournal(ctx context.Context) error {
	removed, err := warehouse.RemoveLeftovers(rn.Config)
	for _, p := range removed {
		rn.Log.Warn().Str("dir", p).Msg("removed the staged export of a run whose process died")
	}
	if err != nil {
		return fmt.Errorf("staged exports of earlier runs: %w", err)
	}
	j := warehouse.NewJournal(rn.Config.Warehouse, rn.id, os.Getpid(), rn.started)
	for _, name := range rn.Config.ExportOrder {
		if d := stringOption(rn.Config.Exports[name].Sink.Options, "dir"); d != "" {
			j.Exports = append(j.Exports, warehouse.JournalExport{Export: name, Dir: d})
		}
	}
	if err := j.Save(); err != nil {
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
	return rn.journal.Save()
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
	if err := os.Remove(rn.journal.Path()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		rn.Log.Warn().Err(err).Msg("could not remove the run journal; the next command does")
	}
	_ = os.Remove(filepath.Dir(rn.journal.Path())) // only when empty

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
		note, err := warehouse.SettleExport(ctx, c, rn.id, warehouse.JournalExport{Export: se.name,
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
