package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// binPath is the real pipeline binary, built once by TestMain.
var binPath string

// TestMain builds the binary, or with PIPELINE_TEST_BIN set uses that one
// (make cover passes a `go build -cover` binary).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pipeline-e2e-")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "pipeline")
	if bin := os.Getenv("PIPELINE_TEST_BIN"); bin != "" {
		binPath = bin
	} else {
		build := exec.Command("go", "build", "-buildvcs=auto", "-tags", "duckdb_arrow", "-o", binPath, ".")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build pipeline:", err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the repository's top folder.
func repoRoot(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// workspace copies pipeline.yaml and fixtures/ into a fresh temp dir, so
// each test has its own warehouse and exports.
func workspace(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	root := repoRoot(t)
	copyFile(t, filepath.Join(root, "pipeline.yaml"), filepath.Join(dir, "pipeline.yaml"))
	entries, err := os.ReadDir(filepath.Join(root, "fixtures"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "fixtures"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".csv") {
			copyFile(t, filepath.Join(root, "fixtures", e.Name()), filepath.Join(dir, "fixtures", e.Name()))
		}
	}
	return dir
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// result is one run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

// pipeline runs the real binary in dir with args and returns its output
// and exit code.
func pipeline(t testing.TB, dir string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CI=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// mustPipeline is pipeline that fails the test on a non-zero exit.
func mustPipeline(t testing.TB, dir string, args ...string) result {
	t.Helper()
	r := pipeline(t, dir, args...)
	if r.code != 0 {
		t.Fatalf("pipeline %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

// readCSV reads a whole CSV file (header first).
func readCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// startHeld starts `pipeline run` in dir held before stage (the
// PIPELINE_TEST_HOLD_BEFORE hook) and returns once it is holding; it fails
// the test if the run never gets there.
func startHeld(t testing.TB, dir, stage string) *child {
	t.Helper()
	c := startChild(t, dir, []string{"PIPELINE_TEST_HOLD_BEFORE=" + stage}, "run")
	c.waitStderr(t, "holding before stage "+stage)
	return c
}
