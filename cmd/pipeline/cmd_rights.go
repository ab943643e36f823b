package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/flow"
	"github.com/example/pipeline/pipeline/rights"
)

// rightsEnv is what every rights command holds while it works: the
// warehouse lock (waited for, with a message, while a run holds it), the
// database and one connection with the pl_* functions.
type rightsEnv struct {
	cfg  *config.Config
	log  zerolog.Logger
	lock *flow.Lock
	db   *engine.DB
	conn *sql.Conn
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
	lk, err := flow.WaitLock(ctx, cfg.Warehouse, what, stderr)
	if err != nil {
		return nil, err
	}
	db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse, Threads: cfg.Engine.Threads,
		MemoryLimit: cfg.Engine.MemoryLimit, TempDirectory: cfg.Engine.TempDirectory})
	if err != nil {
		lk.Unlock()
		return nil, err
	}
	if err := flow.EnsureSchema(ctx, db); err != nil {
		db.Close()
		lk.Unlock()
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		lk.Unlock()
		return nil, err
	}
	return &rightsEnv{cfg: cfg, log: log, lock: lk, db: db, conn: conn}, nil
}

func (e *rightsEnv) close() {
	if e.conn != nil {
		e.conn.Close()
		e.conn = nil
	}
	if e.db != nil {
		e.db.Close()
		e.db = nil
	}
	e.lock.Unlock()
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
	if err != nil {
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
	env, err := openRights(ctx, c, "pipeline sar", stderr)
	if err != nil {
		return err
	}
	defer env.close()
	conns, err := c.conns(env.cfg, stderr)
	if err != nil {
		return err
	}
	rep, err := rights.Access(ctx, env.conn, env.cfg, sub, rights.FindOptions{Deep: *deep, Connectors: conns}, time.Now())
	if err != nil {
		return fmt.Errorf("sar: %w", err)
	}
	var b bytes.Buffer
	if err := rep.Write(&b, *format); err != nil {
		return err
	}
	env.log.Info().Str("subject_key", sub.Key).Int("datasets", len(rep.Found)).Int("recipients", len(rep.Recipients)).
		Dur("duration", time.Since(t0)).Msg("subject access request answered")
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

func cmdErase(ctx context.Context, args []string, stdout, stderr io.Writer) error { return errNotYet }
func cmdPurge(ctx context.Context, args []string, stdout, stderr io.Writer) error { return errNotYet }
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error { return errNotYet }
