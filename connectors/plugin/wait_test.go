package plugin

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// hangAfter is how long a test waits for an event before it reports a
// hang. It bounds a wait that should end; it measures nothing.
const hangAfter = 2 * time.Minute

// syncBuffer is a goroutine-safe bytes.Buffer for plugin stderr that lets
// a test wait for a line to arrive (waitFor) instead of sleeping.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // closed (and replaced) by every Write
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor returns once the buffer holds want. Plugin output written after
// go-plugin started serving reaches the host over a gRPC stream copied by
// a goroutine of its own, so it may arrive after the call that caused it
// has returned: wait for the line while the plugin is alive (a line not
// yet sent when the plugin is killed is lost).
func (s *syncBuffer) waitFor(t *testing.T, want string) {
	t.Helper()
	timeout := time.NewTimer(hangAfter)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		found := strings.Contains(s.b.String(), want)
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		changed := s.changed
		s.mu.Unlock()
		if found {
			return
		}
		select {
		case <-changed:
		case <-timeout.C:
			t.Fatalf("plugin never wrote %q; its output so far:\n%s", want, s.String())
		}
	}
}

// await returns the error sent on errc, failing the test if none comes:
// for calls that would hang if the code under test were broken.
func await(t *testing.T, errc <-chan error, what string) error {
	t.Helper()
	timeout := time.NewTimer(hangAfter)
	defer timeout.Stop()
	select {
	case err := <-errc:
		return err
	case <-timeout.C:
		t.Fatalf("%s never returned", what)
		return nil
	}
}
