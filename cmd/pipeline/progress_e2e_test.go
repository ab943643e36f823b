package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// stopHeld interrupts a run held before a stage and waits for it to end.
func stopHeld(t *testing.T, c *child) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	_ = c.wait(t)
}

// TestProgressLogEvents: off a terminal, a run writes a "progress" JSON
// event every interval with the step's figures (here while it is held
// inside the suppress step).
func TestProgressLogEvents(t *testing.T) {
	dir := workspace(t)
	c := startChild(t, dir, []string{"PIPELINE_TEST_HOLD_BEFORE=suppress", "PIPELINE_PROGRESS_INTERVAL=20ms"}, "run")
	c.waitStderr(t, `"step":"suppress"`)
	stopHeld(t, c)
	var ev map[string]any
	for _, line := range strings.Split(c.stderr.String(), "\n") {
		if strings.Contains(line, `"step":"suppress"`) {
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				t.Fatalf("not a JSON event: %s: %v", line, err)
			}
			break
		}
	}
	if ev["message"] != "progress" {
		t.Errorf("event: %v", ev)
	}
	if id, _ := ev["run_id"].(string); id == "" {
		t.Errorf("event lacks the run id: %v", ev)
	}
	for _, k := range []string{"rows", "rows_per_s", "elapsed_ms"} {
		if _, ok := ev[k].(float64); !ok {
			t.Errorf("event lacks %s: %v", k, ev)
		}
	}
}

// TestProgressConsoleEvents: with --log-format console the same event is
// a console line.
func TestProgressConsoleEvents(t *testing.T) {
	dir := workspace(t)
	c := startChild(t, dir, []string{"PIPELINE_TEST_HOLD_BEFORE=suppress"}, "run", "--log-format", "console", "--progress-interval", "20ms")
	c.waitStderr(t, "step=suppress")
	stopHeld(t, c)
	if !strings.Contains(c.stderr.String(), "progress") || !strings.Contains(c.stderr.String(), "elapsed_ms=") {
		t.Errorf("console progress line missing:\n%s", c.stderr)
	}
}

// TestProgressQuiet: --quiet writes no progress event, however short the
// interval; the same run without it writes them (TestProgressLogEvents).
func TestProgressQuiet(t *testing.T) {
	dir := workspace(t)
	r := pipeline(t, dir, "run", "--quiet", "--progress-interval", "1ms")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, `"message":"progress"`) {
		t.Errorf("--quiet wrote progress events:\n%s", r.stderr)
	}
	if r := pipeline(t, dir, "run", "--progress-interval", "0s"); r.code != 2 {
		t.Errorf("--progress-interval 0s: exit %d, want 2\n%s", r.code, r.stderr)
	}
}

// TestProgressBarOnTerminal: on a terminal (a pseudo-terminal here) a run
// draws the live bar of the step it is in: its name, rows, rows/s and the
// elapsed time; with --quiet it draws none.
func TestProgressBarOnTerminal(t *testing.T) {
	dir := workspace(t)
	out, c := startOnPty(t, dir, "run")
	waitOutput(t, out, c, "holding before stage suppress")
	waitOutput(t, out, c, " suppress (") // the bar of the step the run is in
	stopPty(t, c)
	bar := regexp.MustCompile(`suppress \(\d+/-, [\d.]+ rows/(s|min|hr)\) \[\d+s\]`)
	if !bar.MatchString(out.String()) {
		t.Errorf("no bar with rows, rows/s and elapsed time for the suppress step:\n%q", out.String())
	}

	// --quiet: the run goes to the end without a bar
	out, c = startOnPty(t, dir, "run", "--quiet")
	waitOutput(t, out, c, "holding before stage suppress")
	stopPty(t, c)
	if s := out.String(); strings.Contains(s, "rows/") {
		t.Errorf("--quiet drew a progress bar:\n%q", s)
	}
}

type ptyChild struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// startOnPty starts the binary on a pseudo-terminal (stdin, stdout and
// stderr), held before the suppress stage, and collects what it draws.
func startOnPty(t *testing.T, dir string, args ...string) (*outputBuffer, *ptyChild) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Dir = dir
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "CI=") { // CI turns the terminal display off
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Env = append(cmd.Env, "PIPELINE_TEST_HOLD_BEFORE=suppress", "TERM=xterm")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 160})
	if err != nil {
		t.Fatal(err)
	}
	out := &outputBuffer{}
	c := &ptyChild{cmd: cmd, done: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				_, _ = out.Write(buf[:n])
			}
			if err != nil {
				break
			}
		}
		_ = cmd.Wait()
		f.Close()
		close(c.done)
	}()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			_ = cmd.Process.Kill()
			<-c.done
		}
	})
	return out, c
}

// waitOutput returns once the pty showed want; it fails the test when
// the process ends first, or after hangAfter.
func waitOutput(t *testing.T, out *outputBuffer, c *ptyChild, want string) {
	t.Helper()
	timeout := time.NewTimer(hangAfter)
	defer timeout.Stop()
	for {
		found, changed := out.contains(want)
		if found {
			return
		}
		select {
		case <-changed:
		case <-c.done:
			if found, _ := out.contains(want); !found {
				t.Fatalf("run ended without showing %q:\n%q", want, out.String())
			}
			return
		case <-timeout.C:
			t.Fatalf("no %q in %v:\n%q", want, hangAfter, out.String())
		}
	}
}

func stopPty(t *testing.T, c *ptyChild) {
	t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.done:
	case <-time.After(hangAfter):
		t.Fatalf("run still running %v after SIGINT", hangAfter)
	}
}
