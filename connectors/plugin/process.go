package plugin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
)

// Process is a running connector plugin. Close kills it (gracefully
// first, then by force) and waits for it to exit and for its forwarded
// output to be written; it is safe to call more than once. The Closer
// returned by Registry.OpenSource/OpenSink is a *Process.
type Process struct {
	name   string
	client *goplugin.Client
	cmd    *exec.Cmd
	stderr *stderrLog
	sync   *lineWriter
	stdio  *stdioWatch
	// sockDir is the private folder of go-plugin's socket, removed by Close.
	sockDir string
}

// Name returns the connector's name.
func (p *Process) Name() string { return p.name }

// Pid returns the process id (0 before the process started).
func (p *Process) Pid() int {
	if p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// Exited reports whether the process has exited.
func (p *Process) Exited() bool { return p.client.Exited() }

// Stderr returns the last lines the plugin wrote to its stderr.
func (p *Process) Stderr() string { return p.stderr.tail() }

// Close implements io.Closer: it kills the process, waits for it and for
// the forwarding of its output to end, so every line of it that reached
// the host has been written to RegistryOptions.Stderr when Close returns.
func (p *Process) Close() error {
	p.client.Kill()
	p.stdio.wait()
	p.sync.flush()
	if p.sockDir != "" {
		_ = os.RemoveAll(p.sockDir)
	}
	return nil
}

// diagnose adds what is known of the process to err: whether it exited,
// with what status, and the tail of its stderr. For a broken connection
// (ErrExited) it waits a moment for the exit to be noticed.
func (p *Process) diagnose(err error) error {
	exited := p.client.Exited()
	if !exited && errors.Is(err, ErrExited) {
		deadline := time.Now().Add(2 * time.Second)
		for !exited && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			exited = p.client.Exited()
		}
	}
	if !exited {
		return err
	}
	// Exited() took the client's lock after cmd.Wait returned, so reading
	// ProcessState here is ordered after it was set.
	state := "exited"
	if ps := p.cmd.ProcessState; ps != nil {
		state = ps.String()
	}
	inner := strings.TrimPrefix(err.Error(), ErrExited.Error()+": ")
	msg := fmt.Sprintf("%s (%s)", state, inner)
	if t := p.stderr.tail(); t != "" {
		msg += "; stderr: " + t
	}
	return fmt.Errorf("%w: %s", ErrExited, msg)
}

// stderrLog copies a plugin's stderr lines to out, each prefixed with
// "connector NAME: ", and keeps the last few for error messages.
type stderrLog struct {
	prefix string
	out    io.Writer

	mu    sync.Mutex
	lines []string
}

const stderrTailLines = 10

// Write implements io.Writer. go-plugin writes one line, then "\n".
func (s *stderrLog) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, line := range bytes.Split(b, []byte{'\n'}) {
		l := strings.TrimRight(string(line), "\r")
		if l == "" {
			continue
		}
		if s.out != nil {
			_, _ = fmt.Fprintf(s.out, "%s%s\n", s.prefix, l)
		}
		if len(l) > 512 {
			l = l[:512] + "…"
		}
		s.lines = append(s.lines, l)
		if len(s.lines) > stderrTailLines {
			s.lines = s.lines[len(s.lines)-stderrTailLines:]
		}
	}
	return len(b), nil
}

func (s *stderrLog) tail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.lines, " | ")
}

// lineWriter buffers arbitrary writes (go-plugin's forwarded os.Stdout
// and os.Stderr of the plugin) and passes whole lines to dst.
type lineWriter struct {
	mu  sync.Mutex
	buf []byte
	dst io.Writer
}

// Write implements io.Writer.
func (w *lineWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, b...)
	if i := bytes.LastIndexByte(w.buf, '\n'); i >= 0 {
		_, _ = w.dst.Write(w.buf[:i+1])
		w.buf = append(w.buf[:0], w.buf[i+1:]...)
	}
	if len(w.buf) > 64<<10 { // a very long line: pass it on anyway
		_, _ = w.dst.Write(w.buf)
		w.buf = w.buf[:0]
	}
	return len(b), nil
}

// flush passes on a last line without a newline.
func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		_, _ = w.dst.Write(w.buf)
		w.buf = w.buf[:0]
	}
}
