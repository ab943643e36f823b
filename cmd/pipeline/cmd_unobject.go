package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/example/pipeline/pipeline/suppress"
)

// cmdUnobject records that a subject withdrew their objection: the only
// way an objection leaves the store. The evidence (how the withdrawal was
// received) is required and kept in the audit log.
func cmdUnobject(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("unobject", stderr)
	vf := addValueFlags(fs, suppress.Email)
	evidence := fs.String("evidence", "", "how the subject withdrew the objection (required; audited; never an email or phone)")
	if err := parse(fs, args); err != nil {
		return err
	}
	v, raw, err := vf.value()
	if err != nil {
		return err
	}
	if strings.TrimSpace(*evidence) == "" {
		return usagef("unobject: --evidence is required: how the subject withdrew the objection (e.g. \"signed letter of 2027-01-05, ticket 4411\")")
	}
	if err := suppress.CheckEvidence(*evidence, raw); err != nil {
		return storeError(err)
	}
	s, log, done, err := openStore(ctx, c, stderr, "pipeline unobject")
	if err != nil {
		return err
	}
	defer done()
	res, err := s.Unobject(ctx, v, *evidence)
	if err != nil {
		return storeError(err)
	}
	if res.Removed == 0 {
		fmt.Fprintf(stdout, "no objection recorded for %s (nothing changed)\n", label(v))
		return nil
	}
	log.Info().Str("action", suppress.ActionUnobject).Str("subject_key", v.Hash).Int64("audit_seq", res.Seq).Msg("objection withdrawn")
	fmt.Fprintf(stdout, "objection withdrawn: %s — %d entr%s (sources %s) lifted; back in exports from the next run unless another suppression applies (audit seq %d)\n",
		label(v), res.Removed, plural(res.Removed, "y", "ies"), strings.Join(res.Sources, ", "), res.Seq)
	if len(res.Synced) > 0 {
		fmt.Fprintf(stdout, "warning: lists %s held the objection; while their files still hold the value the next run records it again — ask the list's owner to remove it\n", strings.Join(res.Synced, ", "))
	}
	return nil
}
