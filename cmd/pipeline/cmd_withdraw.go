package main

import (
	"context"
	"fmt"
	"io"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/rights"
	"github.com/example/pipeline/pipeline/suppress"
	"github.com/example/pipeline/pipeline/warehouse"
)

// manualWithdraw records a restriction or an objection and, under the
// same warehouse lock, takes the subject out of every current export at
// once (rights.Withdraw), printing the recipients to notify. Running it
// again is safe: the entry is already there, and any export file still
// holding the subject is rewritten.
func manualWithdraw(ctx context.Context, args []string, stdout, stderr io.Writer, m manual) error {
	fs, c := newFlags(m.name, stderr)
	vf := addValueFlags(fs, suppress.Email)
	note := fs.String("note", "", m.noteDoc)
	if err := parse(fs, args); err != nil {
		return err
	}
	v, raw, err := vf.value()
	if err != nil {
		return err
	}
	if err := suppress.CheckNote(*note, raw); err != nil {
		return storeError(err)
	}
	sub, err := rights.NewSubject(raw, "", "", "")
	if err != nil {
		return usagef("--email: not a valid email address")
	}
	log, cfg, conns, err := c.setup(stderr)
	if err != nil {
		return err
	}
	lk, err := warehouse.WaitLock(ctx, cfg.Warehouse, "pipeline "+m.name, stderr)
	if err != nil {
		return err
	}
	defer lk.Unlock()
	res, err := func() (suppress.AddResult, error) {
		db, err := warehouse.OpenLocked(ctx, cfg, warehouse.Privacy)
		if err != nil {
			return suppress.AddResult{}, err
		}
		defer db.Close()
		if err := audit.EnsureTable(ctx, db); err != nil {
			return suppress.AddResult{}, err
		}
		return m.add(&suppress.Store{DB: db}, ctx, v, *note)
	}()
	if err != nil {
		return storeError(err)
	}
	if res.Added {
		log.Info().Str("action", m.action).Str("subject_key", v.Hash).Int64("audit_seq", res.Seq).Msg(m.logMsg)
		fmt.Fprintf(stdout, m.done, label(v), res.Seq)
	} else {
		fmt.Fprintf(stdout, "%s: %s\n", m.already, label(v))
	}
	w, err := rights.Withdraw(ctx, cfg, sub, m.reason, conns, log)
	if err != nil {
		return fmt.Errorf("%s subject_key %s: %w", m.name, v.Hash, err)
	}
	log.Info().Str("subject_key", v.Hash).Str("reason", m.reason).Int("files", len(w.Files)).Int("recipients", len(w.Notices)).
		Bool("held", w.Held).Msg("subject withdrawn from current exports")
	w.Write(stdout)
	return nil
}
