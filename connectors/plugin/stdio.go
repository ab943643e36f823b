package plugin

import (
	"context"
	"sync"
	"time"

	"google.golang.org/grpc"
)

// stdioMethod is go-plugin's stream of a plugin's os.Stdout and os.Stderr.
const stdioMethod = "/plugin.GRPCStdio/StreamStdio"

// stdioDrainWait bounds how long Close waits for that stream to end once
// the process is gone (it ends at once when the connection closes; the
// bound only guards against a stream that never reports its end).
const stdioDrainWait = 10 * time.Second

// stdioWatch tells when go-plugin has stopped forwarding a plugin's
// os.Stdout and os.Stderr. go-plugin copies that stream to
// ClientConfig.SyncStdout/SyncStderr on a goroutine that Client.Kill does
// not wait for; the goroutine returns on the first receive error without
// writing again, so once a receive on the stream has failed, every line
// the host got has been written. A line the plugin wrote but had not sent
// when it was killed is lost; what it wrote before it exited on its own
// arrives before the stream ends.
type stdioWatch struct {
	mu      sync.Mutex
	started bool
	ended   chan struct{}
	once    sync.Once
}

func newStdioWatch() *stdioWatch { return &stdioWatch{ended: make(chan struct{})} }

// intercept is a grpc.StreamClientInterceptor that watches the stdio
// stream and passes every other stream through.
func (w *stdioWatch) intercept(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string,
	streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	cs, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil || method != stdioMethod {
		return cs, err
	}
	w.mu.Lock()
	w.started = true
	w.mu.Unlock()
	return &watchedStream{ClientStream: cs, w: w}, nil
}

// wait returns once the stdio stream has ended, at once if it never
// started, or after stdioDrainWait.
func (w *stdioWatch) wait() {
	w.mu.Lock()
	started := w.started
	w.mu.Unlock()
	if !started {
		return
	}
	t := time.NewTimer(stdioDrainWait)
	defer t.Stop()
	select {
	case <-w.ended:
	case <-t.C:
	}
}

type watchedStream struct {
	grpc.ClientStream
	w *stdioWatch
}

// RecvMsg implements grpc.ClientStream: the first error ends the stream.
func (s *watchedStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	if err != nil {
		s.w.once.Do(func() { close(s.w.ended) })
	}
	return err
}
