package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// cmdQuery runs one read-only SELECT over the warehouse, in DuckDB's
// sandbox (docs/security.md): the warehouse attached read-only, the file
// system closed except for its raw files and the exports, no extensions,
// the configuration locked. Anything else is refused with exit 2.
//
// Every query is first recorded in the audit log (the statement's SHA-256
// and who ran it, never the result) through a separate read-write
// connection; a query that cannot be recorded does not run (fail closed).
// While a run holds the warehouse, query waits for it (as SAR does).
func cmdQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("query", stderr)
	format := fs.String("format", "table", "output on stdout: "+strings.Join(queryFormats, "|"))
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("query takes one SQL string")
	}
	out, err := newRowWriter(*format, stdout)
	if err != nil {
		return err
	}
	stmt := fs.Arg(0)
	cfg, err := c.load()
	if err != nil {
		return err
	}
	lk, err := warehouse.WaitLock(ctx, cfg.Warehouse, "pipeline query", stderr)
	if err != nil {
		return err
	}
	defer lk.Unlock()
	if _, err := os.Stat(cfg.Warehouse); err != nil {
		return fmt.Errorf("no warehouse at %s yet (run `pipeline run` first): %w", cfg.Warehouse, err)
	}
	if err := auditQuery(ctx, cfg, stmt); err != nil {
		return fmt.Errorf("query not run: it could not be recorded in the audit log: %w", err)
	}
	db, err := engine.Open(ctx, warehouse.Settings(cfg, warehouse.ReadOnly))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // the sandboxed connection is the only one
	conn, err := db.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := engine.Sandbox(ctx, conn, queryDirs(cfg)); err != nil {
		return err
	}
	if err := engine.CheckReadOnly(ctx, conn, stmt); err != nil {
		return err
	}
	rows, err := conn.QueryContext(ctx, stmt)
	if err != nil {
		return engine.Refusal(err)
	}
	defer rows.Close()
	return engine.Refusal(writeRows(rows, out))
}

// queryDirs are the folders a query may read besides the warehouse: the
// raw files beside it, the exports folder and every export's own folder.
func queryDirs(cfg *config.Config) []string {
	dirs := []string{warehouse.RawRoot(cfg.Warehouse)}
	if cfg.ExportsDir != "" {
		dirs = append(dirs, cfg.ExportsDir)
	}
	for _, name := range cfg.ExportOrder {
		if d, ok := cfg.Exports[name].Sink.Options["dir"].(string); ok && d != "" {
			if !filepath.IsAbs(d) {
				d = filepath.Join(cfg.Dir, d)
			}
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// auditQuery appends the query's audit entry (statement SHA-256, OS user)
// and moves the head anchor, on a read-write connection of its own that
// is closed before the sandboxed one opens.
func auditQuery(ctx context.Context, cfg *config.Config, stmt string) error {
	db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse, Threads: 1})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := audit.EnsureTable(ctx, db); err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(stmt))
	osUser := "unknown"
	if u, err := user.Current(); err == nil {
		osUser = u.Username
	}
	if _, err := audit.Append(ctx, db, audit.Entry{Action: "query", Details: map[string]any{
		"statement_sha256": hex.EncodeToString(sum[:]), "os_user": osUser,
	}}); err != nil {
		return err
	}
	return audit.Anchor(ctx, db, cfg.Warehouse)
}

// anchorAfter moves the audit head anchor of warehouse once a command has
// let the file go (audit.AnchorFile), warning on stderr when it cannot.
// Not after an interrupt (ctx done): a statement interrupted mid-way can
// keep DuckDB's instance of the file from being released, and opening it
// again then waits for ever (an interrupted run did; runs now anchor with
// their own handle). The next audited command moves the anchor over what
// this one appended; until then `audit verify` checks the log up to it.
func anchorAfter(ctx context.Context, stderr io.Writer, warehouse string) {
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "pipeline: warning: audit head not anchored: the command was interrupted; the next audited command anchors it")
		return
	}
	warnAnchor(stderr, audit.AnchorFile(context.WithoutCancel(ctx), warehouse))
}

// warnAnchor reports on stderr that the audit head could not be anchored;
// the command's own work is done (and committed) by then, and `pipeline
// audit verify` reports the problem with exit 1.
func warnAnchor(stderr io.Writer, err error) {
	if err == nil {
		return
	}
	if errors.Is(err, audit.ErrTampered) {
		fmt.Fprintf(stderr, "pipeline: warning: the audit log does not match its head anchor; the anchor was left as it was: %v\n", err)
		return
	}
	fmt.Fprintf(stderr, "pipeline: warning: audit head not anchored: %v\n", err)
}
