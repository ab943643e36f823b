package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/rights"
	"github.com/example/pipeline/pipeline/warehouse"
)

// setFlags collects repeated --set COLUMN=VALUE.
type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, " ") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }
func (s *setFlags) Type() string       { return "COLUMN=VALUE" }

// requestIDKey carries the --request ID withRequest took out of the
// arguments to the command (rectify records it with each correction).
type requestIDKey struct{}

func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// cmdRectify records corrections of a subject's data (GDPR Art. 16) that
// every later run applies after staging, corrects the current exports at
// once and prints the recipients to notify (docs/rectify.md). A column it
// may not set is a usage error (exit 2) naming it; an address held nowhere
// records nothing (exit 1).
func cmdRectify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("rectify", stderr)
	email := fs.String("email", "", "the data subject's email (required; never changed by rectify)")
	var raw setFlags
	fs.Var(&raw, "set", "COLUMN=VALUE: the corrected value (repeatable; COLUMN one of "+strings.Join(config.RectifiableColumns, ", ")+"; an empty VALUE removes the value)")
	yes := fs.Bool("yes", false, "really correct (without it: print what would change, change nothing)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*email) == "" {
		return usagef("--email is required")
	}
	sub, err := rights.NewSubject(*email, "", "", "")
	if err != nil {
		return usagef("--email: not a valid email address")
	}
	var set []rights.Correction
	for _, a := range raw {
		x, err := rights.ParseCorrection(a)
		if err != nil {
			return usagef("rectify: %s", strings.TrimPrefix(err.Error(), "rights: bad correction: "))
		}
		set = append(set, x)
	}
	if err := rights.CheckCorrections(set); err != nil {
		return usagef("rectify: %s", strings.TrimPrefix(err.Error(), "rights: bad correction: "))
	}
	log, cfg, conns, err := c.setup(stderr)
	if err != nil {
		return err
	}
	if cfgs, err := shardConfigs(cfg); err != nil || cfgs != nil { // a sharded deployment
		if err != nil {
			return err
		}
		return rectifyShards(ctx, cfgs, sub, set, rights.RectifyOptions{Request: requestID(ctx), Connectors: conns, Log: log, DryRun: !*yes}, stdout, stderr)
	}
	lk, err := warehouse.WaitLock(ctx, cfg.Warehouse, "pipeline rectify", stderr)
	if err != nil {
		return err
	}
	defer lk.Unlock()
	defer anchorAfter(ctx, stderr, cfg.Warehouse)
	res, err := rights.Rectify(ctx, cfg, sub, set, rights.RectifyOptions{Request: requestID(ctx), Connectors: conns, Log: log, DryRun: !*yes})
	if errors.Is(err, rights.ErrNotHeld) {
		return notHeld(sub.Key)
	}
	if err != nil {
		return fmt.Errorf("rectify subject_key %s: %w", sub.Key, err)
	}
	res.Write(stdout)
	if !*yes {
		return usagef("refusing to rectify without --yes (the above is what would change)")
	}
	log.Info().Str("subject_key", sub.Key).Strs("columns", res.Columns).Int("files", len(res.Files)).
		Int("recipients", len(res.Notices)).Int64("audit_seq", res.Seq).Msg("rectification")
	return nil
}

// notHeld is rectify's answer when nothing is held about the subject.
func notHeld(key string) error {
	return fmt.Errorf("rectify: nothing is held about subject %s (no table, export or sink): nothing to correct, nothing recorded", key)
}
