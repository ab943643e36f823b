package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/example/pipeline/connectors/plugin"
)

// leftovers lists the staging and set-aside folders beside exports/acme_q1.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	for _, g := range []string{".acme_q1.staging-*", ".acme_q1.old-*"} {
		m, err := filepath.Glob(filepath.Join(dir, "exports", g))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	return out
}

// TestSwapFailsAfterCommit: the export folder cannot be replaced (it is
// immutable: a fault even root meets) when the run has committed. The run
// fails, its staged export and its lineage are rolled back, the previous
// export stays, no staging folder is left, and the next run succeeds once
// the fault is gone.
func TestSwapFailsAfterCommit(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	before := exportChecksums(t, dir)
	target := filepath.Join(dir, "exports", "acme_q1")
	if out, err := exec.Command("chattr", "+i", target).CombinedOutput(); err != nil {
		t.Fatalf("chattr +i (this test needs CAP_LINUX_IMMUTABLE and ext4/xfs/btrfs): %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", target).Run() })
	r := pipeline(t, dir, "run")
	if r.code != 1 || !strings.Contains(r.stderr, "move previous export aside") {
		t.Fatalf("exit %d; want 1 and the swap's error; stderr:\n%s", r.code, r.stderr)
	}
	if l := leftovers(t, dir); len(l) != 0 {
		t.Errorf("left behind: %v", l)
	}
	if after := exportChecksums(t, dir); !equalMaps(before, after) {
		t.Errorf("the previous export changed")
	}
	wh := openDB(t, filepath.Join(dir, "state", "warehouse.duckdb"))
	st := queryStrings(t, wh, "SELECT status FROM runs ORDER BY started_at")
	if len(st) != 2 || st[1] != "failed" {
		t.Errorf("runs = %v; want succeeded, failed", st)
	}
	if n := queryStrings(t, wh, "SELECT count(DISTINCT run_id)::VARCHAR FROM lineage"); n[0] != "1" {
		t.Errorf("lineage names %v runs; want only the first (the failed run's export was not delivered)", n)
	}
	wh.Close()
	if out, err := exec.Command("chattr", "-i", target).CombinedOutput(); err != nil {
		t.Fatalf("chattr -i: %v: %s", err, out)
	}
	mustPipeline(t, dir, "run")
	if l := leftovers(t, dir); len(l) != 0 {
		t.Errorf("left behind: %v", l)
	}
}

// TestLeftoverStagingSearched: a staging folder of a run that died
// without a journal (an older binary, a disk that refused the removal) is
// found by a SAR and removed by erase, and by the next run.
func TestLeftoverStagingSearched(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	leftover := filepath.Join(dir, "exports", ".acme_q1.staging-20260101T000000Z-abcdef")
	if out, err := exec.Command("cp", "-a", filepath.Join(dir, "exports", "acme_q1"), leftover).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v: %s", err, out)
	}
	r := mustPipeline(t, dir, "sar", "--email", sarEmail, "--format", "json")
	if !strings.Contains(r.stdout, ".acme_q1.staging-20260101T000000Z-abcdef") {
		t.Errorf("the SAR does not report the unfinished run's folder:\n%s", r.stdout)
	}
	mustPipeline(t, dir, "erase", "--email", sarEmail, "--yes")
	if l := leftovers(t, dir); len(l) != 0 {
		t.Errorf("erase left: %v", l)
	}
	if out, err := exec.Command("cp", "-a", filepath.Join(dir, "exports", "acme_q1"), leftover).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v: %s", err, out)
	}
	mustPipeline(t, dir, "run")
	if l := leftovers(t, dir); len(l) != 0 {
		t.Errorf("the next run left: %v", l)
	}
}

// children returns the pids of the processes whose parent is pid and
// whose command line holds "connector".
func children(t *testing.T, pid int) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) < 2 || f[1] != strconv.Itoa(pid) {
			continue
		}
		if cmd, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline")); strings.Contains(string(cmd), "connector") {
			out = append(out, p)
		}
	}
	return out
}

// alive reports whether pid is a running (not zombie) process.
func alive(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

// TestKilledRun: after kill -9 of a run, its connector plugins exit, the
// next command marks the run crashed (pipeline runs shows it), and the
// next run succeeds.
func TestKilledRun(t *testing.T) {
	dir := workspace(t)
	mustPipeline(t, dir, "run")
	run := startHeld(t, dir, "enrich")
	cmd := run.cmd
	var plugins []int
	for deadline := time.Now().Add(60 * time.Second); len(plugins) == 0 && time.Now().Before(deadline); {
		plugins = children(t, cmd.Process.Pid)
		time.Sleep(50 * time.Millisecond)
	}
	if len(plugins) == 0 {
		cmd.Process.Kill()
		t.Fatal("no connector plugin process found under the run")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = run.wait(t)
	deadline := time.Now().Add(60 * time.Second)
	for _, p := range plugins {
		for alive(p) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if alive(p) {
			t.Errorf("plugin process %d outlived its killed host", p)
			_ = exec.Command("kill", "-9", strconv.Itoa(p)).Run()
		}
	}
	r := mustPipeline(t, dir, "runs")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], " crashed ") || !strings.Contains(lines[1], strconv.Itoa(cmd.Process.Pid)) {
		t.Errorf("pipeline runs: want the killed run (pid %d) crashed, newest first:\n%s", cmd.Process.Pid, r.stdout)
	}
	mustPipeline(t, dir, "run")
	if l := leftovers(t, dir); len(l) != 0 {
		t.Errorf("left behind: %v", l)
	}
	if _, err := os.Stat(filepath.Join(dir, "state", "warehouse.duckdb.journal", "")); err == nil {
		if ents, _ := os.ReadDir(filepath.Join(dir, "state", "warehouse.duckdb.journal")); len(ents) != 0 {
			t.Errorf("run journals left: %v", ents)
		}
	}
}

// TestRetentionBound: a retention too long to compute is refused at
// validation (it used to pass, then fail every run after the export).
func TestRetentionBound(t *testing.T) {
	dir := workspace(t)
	editConfig(t, dir, "retention: 12 months", "retention: 99999999999 years")
	r := pipeline(t, dir, "validate")
	if r.code != 2 || !strings.Contains(r.stderr, "pipeline.yaml:") || !strings.Contains(r.stderr, "longer than 100 years") {
		t.Fatalf("exit %d; want 2 with the retention's position; stderr:\n%s", r.code, r.stderr)
	}
}

// TestPluginExitsOnSIGTERM: a built-in connector served by the real binary
// ends when it is sent SIGTERM (it used to catch it and serve on).
func TestPluginExitsOnSIGTERM(t *testing.T) {
	cmd := exec.Command(binPath, "connector", "serve", "csv")
	cmd.Env = append(os.Environ(), plugin.Handshake.MagicCookieKey+"="+plugin.Handshake.MagicCookieValue,
		"PLUGIN_MIN_PORT=0", "PLUGIN_MAX_PORT=0", "PLUGIN_PROTOCOL_VERSIONS=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// the handshake line: the plugin is serving
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.Contains(line, "|grpc") {
		cmd.Process.Kill()
		t.Fatalf("handshake %q, %v", line, err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Errorf("exit: %v; want a non-zero status", err)
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatal("the plugin did not exit on SIGTERM")
	}
}
