package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// hangAfter is how long a test waits for an event before it reports a
// hang. It bounds a wait that should end; it measures nothing.
const hangAfter = 2 * time.Minute

// outputBuffer collects a child process's output: exec's copy goroutine
// writes it while the test reads it, so every access takes the lock, and
// a change wakes whoever waits for a line.
type outputBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed (and dropped) by every Write
}

func (o *outputBuffer) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.changed != nil {
		close(o.changed)
		o.changed = nil
	}
	return o.b.Write(p)
}

func (o *outputBuffer) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// contains reports whether the output holds want, and a channel closed
// by the next write.
func (o *outputBuffer) contains(want string) (bool, <-chan struct{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.changed == nil {
		o.changed = make(chan struct{})
	}
	return strings.Contains(o.b.String(), want), o.changed
}

// child is a running `pipeline` process whose output the test watches.
type child struct {
	cmd            *exec.Cmd
	stdout, stderr *outputBuffer
	done           chan struct{} // closed when the process has exited
	err            error         // cmd.Wait's result, set before done closes
}

// startChild starts the binary in dir with args and extra environment;
// the test's cleanup kills it if the test left it running.
func startChild(t testing.TB, dir string, env []string, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(binPath, args...), stdout: &outputBuffer{}, stderr: &outputBuffer{}, done: make(chan struct{})}
	c.cmd.Dir = dir
	c.cmd.Env = append(append(os.Environ(), "CI=1"), env...)
	c.cmd.Stdout, c.cmd.Stderr = c.stdout, c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		if !c.exited() {
			_ = c.cmd.Process.Kill()
			<-c.done
		}
	})
	return c
}

// exited reports whether the process has exited.
func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// wait waits for the process to exit and returns cmd.Wait's result.
func (c *child) wait(t testing.TB) error {
	t.Helper()
	timeout := time.NewTimer(hangAfter)
	defer timeout.Stop()
	select {
	case <-c.done:
		return c.err
	case <-timeout.C:
		t.Fatalf("%v still running after %v; stderr:\n%s", c.cmd.Args, hangAfter, c.stderr)
		return nil
	}
}

// waitStderr returns once the process has written want to its stderr. It
// fails the test if the process exits without writing it, or after
// hangAfter.
func (c *child) waitStderr(t testing.TB, want string) {
	t.Helper()
	timeout := time.NewTimer(hangAfter)
	defer timeout.Stop()
	for {
		found, changed := c.stderr.contains(want)
		if found {
			return
		}
		select {
		case <-changed:
		case <-c.done:
			if found, _ := c.stderr.contains(want); found {
				return
			}
			t.Fatalf("%v exited (%v) without writing %q; stderr:\n%s", c.cmd.Args, c.err, want, c.stderr)
		case <-timeout.C:
			t.Fatalf("%v wrote no %q in %v; stderr:\n%s", c.cmd.Args, want, hangAfter, c.stderr)
		}
	}
}
