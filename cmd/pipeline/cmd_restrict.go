package main

import (
	"context"
	"fmt"
	"io"

	"github.com/example/pipeline/pipeline/suppress"
)

func cmdRestrict(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return manualWithdraw(ctx, args, stdout, stderr, manual{
		name: "restrict", noteDoc: "why (a ticket number; never an email or phone)", reason: suppress.ReasonRestriction,
		add: (*suppress.Store).Restrict, action: suppress.ActionRestrict, logMsg: "processing restricted",
		already: "already restricted",
		done:    "restricted: %s — kept in the warehouse, out of every export now and until `pipeline unrestrict` (audit seq %d)\n",
	})
}

// manual is one of the DPO's single-person suppressions (restrict, object).
type manual struct {
	name, noteDoc, action, logMsg, already, done, reason string
	add                                                  func(*suppress.Store, context.Context, suppress.Value, string) (suppress.AddResult, error)
}

func cmdUnrestrict(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("unrestrict", stderr)
	vf := addValueFlags(fs, suppress.Email)
	if err := parse(fs, args); err != nil {
		return err
	}
	v, _, err := vf.value()
	if err != nil {
		return err
	}
	s, log, done, err := openStore(ctx, c, stderr, "pipeline unrestrict")
	if err != nil {
		return err
	}
	defer done()
	res, err := s.Unrestrict(ctx, v)
	if err != nil {
		return storeError(err)
	}
	if res.Removed == 0 {
		fmt.Fprintf(stdout, "not restricted: %s (nothing changed)\n", label(v))
		return nil
	}
	log.Info().Str("action", suppress.ActionUnrestrict).Str("subject_key", v.Hash).Int64("audit_seq", res.Seq).Msg("restriction lifted")
	fmt.Fprintf(stdout, "restriction lifted: %s — back in exports from the next run unless another suppression applies (audit seq %d)\n", label(v), res.Seq)
	return nil
}

func cmdObject(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return manualWithdraw(ctx, args, stdout, stderr, manual{
		name: "object", noteDoc: "a note (never an email or phone)", reason: suppress.ReasonObjection,
		add: (*suppress.Store).Object, action: suppress.ActionObject, logMsg: "objection recorded",
		already: "objection already recorded",
		done:    "objection recorded: %s — a permanent suppression, removes the person from every export (audit seq %d)\n",
	})
}
