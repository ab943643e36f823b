// Command mutate is a mutation check of the rules that protect people:
// it applies each one-line break of its list (a "mutant") on its own, runs
// the tests that should catch it, restores the file, and fails if any
// mutant survives (its tests still pass). Run it from the repository root
// (`make mutate`); it needs nothing but the Go toolchain.
//
// Files are restored whatever happens: after each mutant's tests, on an
// error, and on Ctrl-C or SIGTERM. A mutant whose original line is not
// found exactly once (the code moved, or a mutant was left behind by a
// SIGKILL: `git checkout FILE`) stops the check before anything is
// changed.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// mutant is one break: From (a whole line's text, found exactly once in
// File) replaced by To; Pkg's tests matching Run must then fail.
type mutant struct {
	Name, Rule, File, From, To, Pkg, Run string
}

var mutants = []mutant{
	{Name: "suppress-antijoin", Rule: "email and domain suppression removes the person from deliverable",
		File: "sql/suppress_deliverable.sql",
		From: "ANTI JOIN (SELECT DISTINCT subject_key FROM supp_hits WHERE kind IN ('email', 'domain')) h",
		To:   "ANTI JOIN (SELECT DISTINCT subject_key FROM supp_hits WHERE kind IN ('email', 'domain') AND false) h",
		Pkg:  "./pipeline/flow/", Run: "^TestSuppressionInRun$"},
	{Name: "suppress-domain-list", Rule: "a domain list removes everyone at the domain",
		File: "sql/suppress_deliverable.sql",
		From: "ANTI JOIN (SELECT DISTINCT subject_key FROM supp_hits WHERE kind IN ('email', 'domain')) h",
		To:   "ANTI JOIN (SELECT DISTINCT subject_key FROM supp_hits WHERE kind IN ('email')) h",
		Pkg:  "./pipeline/flow/", Run: "^TestSuppressionInRun$"},
	{Name: "suppress-phone", Rule: "a TPS/CTPS listed phone is removed from deliverable",
		File: "sql/suppress_deliverable.sql",
		From: "CASE WHEN p.subject_key IN (SELECT subject_key FROM supp_hits WHERE kind = 'phone') THEN NULL ELSE p.phone END AS phone",
		To:   "CASE WHEN p.subject_key IN (SELECT subject_key FROM supp_hits WHERE kind = 'phone') THEN p.phone ELSE p.phone END AS phone",
		Pkg:  "./pipeline/flow/", Run: "^TestSuppressionInRun$"},
	{Name: "tombstone-stage-udf", Rule: "an erased subject's rows are refused at stage",
		File: "pipeline/engine/udf_expired.go",
		From: "if db.erased.has(h) {",
		To:   "if false && db.erased.has(h) {",
		Pkg:  "./pipeline/flow/", Run: "^TestTombstoneRefusedAtStage$"},
	{Name: "tombstone-stage-load", Rule: "the stage loads the erasure tombstones",
		File: "sql/tombstone_hashes.sql",
		From: "SELECT hash FROM suppression WHERE kind = 'email' AND reason = 'erasure'",
		To:   "SELECT hash FROM suppression WHERE kind = 'email' AND reason = 'erasure' AND false",
		Pkg:  "./pipeline/flow/", Run: "^TestTombstoneRefusedAtStage$"},
	{Name: "gate-special", Rule: "special-category data is never exported",
		File: "pipeline/flow/classify.go",
		From: "case classify.IsSpecial(r.Category):",
		To:   "case false && classify.IsSpecial(r.Category):",
		Pkg:  "./pipeline/flow/", Run: "^TestGate$"},
	{Name: "gate-channels", Rule: "a personal column the campaign's channels do not need is never exported",
		File: "pipeline/flow/classify.go",
		From: "case r.Personal && !allowed[r.Category]:",
		To:   "case false && r.Personal && !allowed[r.Category]:",
		Pkg:  "./pipeline/flow/", Run: "^TestGate$"},
	{Name: "gate-in-run", Rule: "the run checks the export gate before exporting",
		File: "pipeline/flow/classify.go",
		From: "return Gate(rn.Config, rn.gateCategory(all))",
		To:   "_ = all; return nil",
		Pkg:  "./pipeline/flow/", Run: "^TestGateInRun$"},
	{Name: "erase-export-rewrite", Rule: "an erasure rewrites the export files without the subject",
		File: "sql/erase_rewrite.sql",
		From: "WHERE subject_key IS DISTINCT FROM $key",
		To:   "WHERE subject_key IS DISTINCT FROM $key OR true",
		Pkg:  "./pipeline/rights/", Run: "^TestEraseExportsAtOnce$"},
	{Name: "erase-tombstone", Rule: "an erasure leaves an erasure tombstone",
		File: "sql/erase_tombstone.sql",
		From: "SELECT 'email', $hash, NULL, 'erasure', 'manual', CAST($now AS TIMESTAMP), $actor, NULL, 'right to erasure (GDPR Art. 17)'",
		To:   "SELECT 'email', $hash, NULL, 'objection', 'manual', CAST($now AS TIMESTAMP), $actor, NULL, 'right to erasure (GDPR Art. 17)'",
		Pkg:  "./pipeline/rights/", Run: "^TestEraseExportsAtOnce$"},
	{Name: "subject-key-sql", Rule: "the run keys a person by sha256 of the normalised email",
		File: "sql/enrich_prospects.sql",
		From: "sha256(email_out) AS subject_key,",
		To:   "sha256(lower(coalesce(email_raw, email_out))) AS subject_key,",
		Pkg:  "./pipeline/rights/", Run: "^TestSQLGoParity$"},
	{Name: "subject-key-go", Rule: "a request keys the subject by sha256 of the normalised email",
		File: "pipeline/rights/subject.go",
		From: "s := Subject{Email: norm, Key: normalize.SubjectKey(norm)}",
		To:   "s := Subject{Email: norm, Key: normalize.SubjectKey(strings.ToLower(strings.TrimSpace(email)))}",
		Pkg:  "./pipeline/rights/", Run: "^TestSQLGoParity$"},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("mutate", flag.ContinueOnError)
	only := fs.String("only", "", "run only the mutant of this name")
	baseline := fs.Bool("baseline", true, "first check that each test selection passes on the unchanged code")
	list := fs.Bool("list", false, "list the mutants and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run from the repository root (make mutate)")
	}
	var todo []mutant
	for _, m := range mutants {
		if *only == "" || m.Name == *only {
			todo = append(todo, m)
		}
	}
	if len(todo) == 0 {
		return fmt.Errorf("no mutant named %q (-list lists them)", *only)
	}
	if *list {
		for _, m := range todo {
			fmt.Fprintf(out, "%s\t%s\t%s: %s\n", m.Name, m.File, m.Pkg, m.Rule)
		}
		return nil
	}
	for _, m := range todo { // before anything changes
		b, err := os.ReadFile(m.File)
		if err != nil {
			return err
		}
		if n := bytes.Count(b, []byte(m.From)); n != 1 {
			return fmt.Errorf("mutant %s: %s holds its line %d times, want 1 (the code moved? a mutant left behind: git checkout %s)", m.Name, m.File, n, m.File)
		}
	}
	if *baseline {
		if err := checkBaseline(ctx, out, todo); err != nil {
			return err
		}
	}
	type row struct {
		m       mutant
		verdict string
		took    time.Duration
	}
	var rows []row
	survived := 0
	for i, m := range todo {
		t0 := time.Now()
		res, err := try(ctx, m)
		if err != nil {
			return fmt.Errorf("mutant %s: %w", m.Name, err)
		}
		verdict := "killed"
		if res.passed {
			verdict = "SURVIVED"
			survived++
		}
		rows = append(rows, row{m, verdict, time.Since(t0).Round(time.Second)})
		fmt.Fprintf(out, "[%d/%d] %s: %s\n", i+1, len(todo), m.Name, verdict)
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nMUTANT\tRULE\tFILE\tTESTS\tRESULT\tTOOK")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s -run %s\t%s\t%s\n", r.m.Name, r.m.Rule, r.m.File, r.m.Pkg, r.m.Run, r.verdict, r.took)
	}
	tw.Flush()
	if survived > 0 {
		return fmt.Errorf("%d of %d mutants survived: add a test that catches each", survived, len(todo))
	}
	fmt.Fprintf(out, "all %d mutants killed\n", len(todo))
	return nil
}

// checkBaseline runs each package's test selection once on the unchanged
// code: tests that fail already would "kill" every mutant.
func checkBaseline(ctx context.Context, out io.Writer, todo []mutant) error {
	var pkgs []string
	runs := map[string][]string{}
	for _, m := range todo {
		if runs[m.Pkg] == nil {
			pkgs = append(pkgs, m.Pkg)
		}
		if !slices.Contains(runs[m.Pkg], m.Run) {
			runs[m.Pkg] = append(runs[m.Pkg], m.Run)
		}
	}
	for _, p := range pkgs {
		m := mutant{Pkg: p, Run: strings.Join(runs[p], "|")}
		fmt.Fprintf(out, "baseline: go test -run '%s' %s\n", m.Run, m.Pkg)
		if res := goTest(ctx, m); res.err != nil || !res.passed {
			return fmt.Errorf("baseline: these tests fail on the unchanged code, so they cannot judge a mutant:\n%s%v", res.output, res.err)
		}
	}
	return nil
}

// try applies m, runs its tests and restores the file, whatever happens.
func try(ctx context.Context, m mutant) (res testResult, err error) {
	orig, err := os.ReadFile(m.File)
	if err != nil {
		return res, err
	}
	st, err := os.Stat(m.File)
	if err != nil {
		return res, err
	}
	defer func() {
		if rerr := os.WriteFile(m.File, orig, st.Mode().Perm()); rerr != nil {
			err = errors.Join(err, fmt.Errorf("RESTORE FAILED, run git checkout %s: %w", m.File, rerr))
		}
	}()
	if err := os.WriteFile(m.File, bytes.Replace(orig, []byte(m.From), []byte(m.To), 1), st.Mode().Perm()); err != nil {
		return res, err
	}
	res = goTest(ctx, m)
	if res.err != nil {
		return res, res.err
	}
	if res.buildFailed {
		return res, fmt.Errorf("the mutant does not build (fix the list):\n%s", res.output)
	}
	return res, nil
}

type testResult struct {
	passed, buildFailed bool
	output              string
	err                 error // the tests could not be run at all
}

func goTest(ctx context.Context, m mutant) testResult {
	if err := ctx.Err(); err != nil {
		return testResult{err: err}
	}
	cmd := exec.CommandContext(ctx, "go", "test", "-tags=duckdb_arrow", "-count=1", "-run", m.Run, m.Pkg)
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	err := cmd.Run()
	out := b.String()
	if ctx.Err() != nil {
		return testResult{output: out, err: fmt.Errorf("interrupted: %w", ctx.Err())}
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return testResult{output: out, err: err}
	}
	if err == nil && strings.Contains(out, "no tests to run") {
		return testResult{output: out, err: fmt.Errorf("-run %s matches no test in %s", m.Run, m.Pkg)}
	}
	return testResult{passed: err == nil, output: out,
		buildFailed: strings.Contains(out, "[build failed]") || strings.Contains(out, "[setup failed]")}
}
