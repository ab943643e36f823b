package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/rights"
	"github.com/example/pipeline/pipeline/warehouse"
)

// rightsEnv is what every rights command holds while it works: the
// warehouse lock (waited for, with a message, while a run holds it), the
// database and one connection with the pl_* functions.
type rightsEnv struct {
	cfg  *config.Config
	log  zerolog.Logger
	wh   *warehouse.Warehouse
	db   *engine.DB
	conn *sql.Conn
	// stderr takes the warning when the audit head cannot be anchored
	stderr io.Writer
	// rep and shards: a SAR answered on a sharded deployment (sarShards)
	rep    *rights.Report
	shards []*rightsEnv
	// lightClose: close checkpoints without FSST (a SAR, which has written
	// only its audit entry; docs/decisions.md)
	lightClose bool
}

// openRights loads the config, waits for the warehouse lock and opens the
// warehouse. Concurrency contract: a SAR, erase, purge or audit started
// while a nightly run holds the warehouse waits for it (printing "waiting
// for … to release …" once on stderr) instead of failing; Ctrl-C stops
// the wait.
func openRights(ctx context.Context, c *common, what string, stderr io.Writer) (*rightsEnv, error) {
	log, err := c.logger(stderr)
	if err != nil {
		return nil, err
	}
	cfg, err := c.load()
	if err != nil {
		return nil, err
	}
	return openRightsLoaded(ctx, cfg, log, what, stderr)
}

// openRightsLoaded is openRights for a caller that has loaded the config
// and built the logger already (the config is loaded, and validated, once
// per command).
func openRightsLoaded(ctx context.Context, cfg *config.Config, log zerolog.Logger, what string, stderr io.Writer) (*rightsEnv, error) {
	w, err := warehouse.Open(ctx, cfg, warehouse.Privacy, what, stderr)
	if err != nil {
		return nil, err
	}
	conn, err := w.DB.Conn(ctx)
	if err != nil {
		w.Close()
		return nil, err
	}
	return &rightsEnv{cfg: cfg, log: log, wh: w, db: w.DB, conn: conn, stderr: stderr}, nil
}

func (e *rightsEnv) close() {
	for _, sh := range e.shards {
		sh.close()
	}
	if e.wh == nil {
		return
	}
	if e.conn != nil {
		warnAnchor(e.stderr, audit.Anchor(context.Background(), e.conn, e.cfg.Warehouse))
		if e.lightClose {
			if err := engine.CheckpointWithoutFSST(context.Background(), e.conn); err != nil {
				e.log.Warn().Err(err).Msg("checkpoint without FSST failed; closing the warehouse checkpoints instead")
			}
		}
		e.conn.Close()
		e.conn = nil
	}
	e.wh.Close()
}

// subjectFlags are the identifiers a rights command takes.
type subjectFlags struct{ email, phone, linkedin *string }

func addSubjectFlags(fsAdd interface {
	String(name, value, usage string) *string
}) subjectFlags {
	return subjectFlags{
		email:    fsAdd.String("email", "", "the data subject's email (required)"),
		phone:    fsAdd.String("phone", "", "the subject's phone, searched as E.164 (national forms read as GB)"),
		linkedin: fsAdd.String("linkedin", "", "the subject's profile URL"),
	}
}

func (s subjectFlags) subject() (rights.Subject, error) {
	if strings.TrimSpace(*s.email) == "" {
		return rights.Subject{}, usagef("--email is required")
	}
	sub, err := rights.NewSubject(*s.email, *s.phone, *s.linkedin, "")
	switch {
	case errors.Is(err, rights.ErrBadPhone):
		return rights.Subject{}, usagef("--phone: not a phone number (national forms are read as GB; give others in international form, +CC …)")
	case errors.Is(err, rights.ErrBadProfile):
		return rights.Subject{}, usagef("--linkedin: not a profile URL (want e.g. https://www.linkedin.com/in/NAME)")
	case err != nil:
		return rights.Subject{}, usagef("--email: not a valid email address")
	}
	return sub, nil
}

func cmdSar(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("sar", stderr)
	sf := addSubjectFlags(fs)
	format := fs.String("format", "json", "json|text|html")
	out := fs.String("out", "", "write the report to FILE (0600) instead of stdout")
	deep := fs.Bool("deep", false, "scan every export file, not only those the lineage index names")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch *format {
	case "json", "text", "html":
	default:
		return usagef("--format %q: want json, text or html", *format)
	}
	sub, err := sf.subject()
	if err != nil {
		return err
	}
	t0 := time.Now()
	env, err := sarShards(ctx, c, sub, *deep, stderr) // a sharded deployment (rights_shards_sar.go)
	if err != nil {
		return err
	}
	rep := env.rep
	if env.rep == nil {
		// sarShards has loaded the config: an unsharded deployment's env
		// holds it and the logger
		env, err = openRightsLoaded(ctx, env.cfg, env.log, "pipeline sar", stderr)
		if err != nil {
			return err
		}
		env.lightClose = true
		if err := env.cfg.CheckTargeting(ctx, env.conn); err != nil {
			env.close()
			return err
		}
		conns, err := c.conns(env.cfg, stderr)
		if err != nil {
			env.close()
			return err
		}
		rep, err = rights.Access(ctx, env.conn, env.cfg, sub, rights.FindOptions{Deep: *deep, Connectors: conns, Log: env.log, DB: env.db}, time.Now())
		if err != nil {
			env.close()
			return fmt.Errorf("sar: %w", err)
		}
	}
	defer env.close()
	if q, ok := checkedRequest(ctx); ok {
		rep.AnswersRequest(q)
	}
	var b bytes.Buffer
	if err := rep.Write(&b, *format); err != nil {
		return err
	}
	env.log.Info().Str("subject_key", sub.Key).Int("datasets", len(rep.Found)).Int("recipients", len(rep.Recipients)).
		Dur("duration_ms", time.Since(t0)).Msg("subject access request answered")
	if *out != "" {
		return writeFileAtomic(*out, b.Bytes())
	}
	_, err = stdout.Write(b.Bytes())
	return err
}

// writeFileAtomic writes data to path (0600) through a temp file and a rename.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return errors.Join(err, os.Remove(tmp))
	}
	return nil
}

// EnvEraseCrashAfter is a test hook: when set to an erasure step name
// (rights.Steps), `pipeline erase` exits with code 3 right after that step
// is recorded in its journal, as if the process had been killed there.
// The end-to-end tests use it to prove that re-running erase completes
// the job. Never set it in production.
const EnvEraseCrashAfter = "PIPELINE_ERASE_CRASH_AFTER"

func cmdErase(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("erase", stderr)
	sf := addSubjectFlags(fs)
	dry := fs.Bool("dry-run", false, "print exactly what would change; change nothing")
	yes := fs.Bool("yes", false, "really erase (required unless --dry-run)")
	deep := fs.Bool("deep", false, "also scan every export file, not only those the lineage index names")
	format := fs.String("format", "text", "text|json")
	batch := fs.String("emails-from", "", "erase every email in FILE (one per line, # comments) as one batch: the warehouse file is rewritten once")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usagef("--format %q: want text or json", *format)
	}
	subs, err := eraseSubjects(sf, *batch)
	if err != nil {
		return err
	}
	log, cfg, conns, err := c.setup(stderr)
	if err != nil {
		return err
	}
	if cfgs, err := shardConfigs(cfg); err != nil || cfgs != nil { // a sharded deployment
		if err != nil {
			return err
		}
		err = eraseShards(ctx, cfgs, subs, rights.EraseOptions{DryRun: *dry || !*yes, Deep: *deep, Connectors: conns, Log: log}, *format, log, stdout, stderr)
		if err == nil && !*dry && !*yes {
			return usagef("refusing to erase without --yes (the above is what would change; add --dry-run to only see it)")
		}
		return err
	}
	lk, err := warehouse.WaitLock(ctx, cfg.Warehouse, "pipeline erase", stderr)
	if err != nil {
		return err
	}
	defer lk.Unlock()
	defer anchorAfter(ctx, stderr, cfg.Warehouse)
	opts := rights.EraseOptions{DryRun: *dry || !*yes, Deep: *deep, Connectors: conns, Log: log}
	if step := os.Getenv(EnvEraseCrashAfter); step != "" {
		opts.AfterStep = func(s string) {
			if s == step {
				fmt.Fprintf(stderr, "pipeline: %s=%s: exiting after step %s (test hook)\n", EnvEraseCrashAfter, step, s)
				os.Exit(3)
			}
		}
	}
	// A batch defers each job's last step (the warehouse rewrite) and
	// rewrites the file once for all of them.
	opts.DeferCompact = len(subs) > 1 && !opts.DryRun
	for _, sub := range subs {
		t0 := time.Now()
		res, err := rights.Erase(ctx, cfg, sub, opts)
		if err != nil {
			return fmt.Errorf("erase subject_key %s: %w", sub.Key, err)
		}
		if err := res.Write(stdout, *format); err != nil {
			return err
		}
		log.Info().Str("subject_key", sub.Key).Bool("dry_run", res.DryRun).Bool("resumed", res.Resumed).
			Int("files", len(res.Files)).Int("recipients", len(res.Notices)).Dur("duration_ms", time.Since(t0)).Msg("erasure")
	}
	if !*dry && !*yes {
		return usagef("refusing to erase without --yes (the above is what would change; add --dry-run to only see it)")
	}
	if opts.DeferCompact {
		t0 := time.Now()
		if err := rights.Compact(ctx, cfg); err != nil {
			return fmt.Errorf("erase: rewrite the warehouse: %w", err)
		}
		for _, sub := range subs {
			if err := rights.FinishCompacted(cfg, sub.Key, time.Now()); err != nil {
				return fmt.Errorf("erase subject_key %s: %w", sub.Key, err)
			}
		}
		log.Info().Int("subjects", len(subs)).Dur("duration_ms", time.Since(t0)).Msg("warehouse rewritten once for the batch")
		fmt.Fprintf(stdout, "warehouse rewritten once for %d erasures: no erased value is left in it\n", len(subs))
	}
	return nil
}

// eraseSubjects are the subjects erase is given: those of --emails-from,
// or the one of --email and the other identifiers.
func eraseSubjects(sf subjectFlags, batch string) ([]rights.Subject, error) {
	if batch != "" {
		if *sf.email != "" {
			return nil, usagef("--email and --emails-from exclude each other")
		}
		return readSubjects(batch)
	}
	sub, err := sf.subject()
	if err != nil {
		return nil, err
	}
	return []rights.Subject{sub}, nil
}

// readSubjects reads a batch file: one email per line, blank lines and
// # comments skipped. A line that is not an email stops the batch before
// anything is erased, naming the line (never echoing its content).
func readSubjects(path string) ([]rights.Subject, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var subs []rights.Subject
	seen := map[string]bool{}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		sub, err := rights.NewSubject(line, "", "", "")
		if err != nil {
			return nil, usagef("%s:%d: not a valid email address; fix the line and run the batch again (nothing was erased)", path, i+1)
		}
		if !seen[sub.Key] {
			seen[sub.Key] = true
			subs = append(subs, sub)
		}
	}
	if len(subs) == 0 {
		return nil, usagef("%s: no email addresses", path)
	}
	return subs, nil
}

func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	verify := false
	if len(args) > 0 && args[0] == "verify" {
		verify, args = true, args[1:]
	}
	fs, c := newFlags("audit", stderr)
	key := fs.String("subject-key", "", "only the entries for this subject_key")
	format := fs.String("format", "table", "table|json")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "json"); err != nil {
		return err
	}
	if rest := fs.Args(); len(rest) > 0 {
		if rest[0] == "verify" && !verify {
			verify = true
		} else {
			return usagef("audit: unexpected argument %q (want: audit [verify] [--subject-key K])", rest[0])
		}
	}
	env, err := openRights(ctx, c, "pipeline audit", stderr)
	if err != nil {
		return err
	}
	defer env.close()
	if err := audit.EnsureTable(ctx, env.conn); err != nil {
		return err
	}
	if verify {
		n, err := audit.VerifyAnchored(ctx, env.conn, env.cfg.Warehouse)
		if err != nil {
			return fmt.Errorf("audit verify: %d entries verified before the break: %w", n, err)
		}
		fmt.Fprintf(stdout, "audit log OK: %d entries, hash chain intact\n", n)
		return nil
	}
	entries, err := audit.List(ctx, env.conn, *key)
	if err != nil {
		return err
	}
	if *format == "json" {
		type entry struct {
			Seq        int64          `json:"seq"`
			At         time.Time      `json:"at"`
			Actor      string         `json:"actor"`
			Action     string         `json:"action"`
			SubjectKey string         `json:"subject_key,omitempty"`
			Details    map[string]any `json:"details,omitempty"`
			PrevHash   string         `json:"prev_hash"`
			Hash       string         `json:"hash"`
		}
		out := make([]entry, 0, len(entries))
		for _, e := range entries {
			out = append(out, entry{e.Seq, e.At, e.Actor, e.Action, e.SubjectKey, e.Details, e.PrevHash, e.Hash})
		}
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "seq\tat\tactor\taction\tsubject_key\thash")
	for _, e := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.At.Format(time.RFC3339), e.Actor, e.Action, e.SubjectKey, short(e.Hash))
	}
	return tw.Flush()
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func cmdPurge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("purge", stderr)
	dry := fs.Bool("dry-run", false, "report what retention would delete; change nothing")
	format := fs.String("format", "table", "table|json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "json"); err != nil {
		return err
	}
	env, err := openRights(ctx, c, "pipeline purge", stderr)
	if err != nil {
		return err
	}
	defer env.close()
	now := time.Now()
	var changes []rights.PurgeChange
	if *dry {
		changes, err = rights.PurgePlan(ctx, env.conn, env.cfg, now)
	} else {
		changes, err = rights.Purge(ctx, env.conn, env.cfg, now)
	}
	if err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	if *format == "json" {
		b, _ := json.MarshalIndent(map[string]any{"dry_run": *dry, "sources": changes}, "", "  ")
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	verb := "deleted"
	if *dry {
		verb = "would delete"
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "source\tretention\tcutoff\trows %s\trejects cutoff\trejects %s\texpired subjects\n", verb, verb)
	for _, ch := range changes {
		cut := "-"
		if !ch.Cutoff.IsZero() {
			cut = ch.Cutoff.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%d\t%d\n", ch.Source, ch.Retention, cut, ch.Rows, ch.RejectsCutoff.Format(time.RFC3339), ch.Rejects, ch.ExpiredSubjects)
	}
	return tw.Flush()
}
