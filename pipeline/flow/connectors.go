package flow

import (
	"context"
	"errors"
	"sync"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/pipeline/connect"
)

func noClose() error { return nil }

// Pool keeps one instance of each connector for as long as it is open: a
// run with five CSV sources launches the csv plugin once, not five times,
// and `pipeline run` shares one pool between validation and the run, so
// validation's plugins serve the run too. Prestart launches connectors in
// the background so that their start-up (a plugin process, its handshake)
// overlaps other work. Close ends them all; the per-call close funcs it
// hands out do nothing. A Pool is safe for concurrent use. A connector
// lives under the ctx of the call that opened it (a plugin process is
// killed when that ctx ends), so share a pool only between calls made
// under one ctx, as cmdRun does.
type Pool struct {
	inner   connect.Connectors
	probes  *probes // shared with a pool over this one (see probes)
	mu      sync.Mutex
	sources map[string]*pooled[connectors.Source]
	sinks   map[string]*pooled[connectors.Sink]
	starts  sync.WaitGroup
}

// pooled is one connector being opened (ready not yet closed) or open.
type pooled[T any] struct {
	ready chan struct{}
	v     T
	close func() error
	err   error
}

var _ connect.Connectors = (*Pool)(nil)

// NewPool returns a pool over inner. A pool over a pool shares its probed
// scan columns, so that validation and the run under one caller's pool
// sniff each source file once.
func NewPool(inner connect.Connectors) *Pool {
	pr := &probes{m: map[string]probed{}}
	if outer, ok := inner.(*Pool); ok {
		pr = outer.probes
	}
	return &Pool{inner: inner, probes: pr, sources: map[string]*pooled[connectors.Source]{}, sinks: map[string]*pooled[connectors.Sink]{}}
}

// get returns the pooled connector name of m, opening it with open on
// first use. A failed open is not kept: the next call tries again (and
// reports its own error).
func get[T any](ctx context.Context, p *Pool, m map[string]*pooled[T], name string,
	open func(context.Context, string) (T, func() error, error)) (T, func() error, error) {
	p.mu.Lock()
	e, ok := m[name]
	if !ok {
		e = &pooled[T]{ready: make(chan struct{})}
		m[name] = e
		p.mu.Unlock()
		e.v, e.close, e.err = open(ctx, name)
		if e.err != nil {
			p.mu.Lock()
			delete(m, name)
			p.mu.Unlock()
		}
		close(e.ready)
	} else {
		p.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			var zero T
			return zero, nil, ctx.Err()
		}
	}
	if e.err != nil {
		var zero T
		return zero, nil, e.err
	}
	return e.v, noClose, nil
}

// Source implements connect.Connectors.
func (p *Pool) Source(ctx context.Context, name string) (connectors.Source, func() error, error) {
	return get(ctx, p, p.sources, name, p.inner.Source)
}

// Sink implements connect.Connectors.
func (p *Pool) Sink(ctx context.Context, name string) (connectors.Sink, func() error, error) {
	return get(ctx, p, p.sinks, name, p.inner.Sink)
}

// PrestartSources opens the named source connectors in the background. An
// error is not reported here: the Source call that needs the connector
// opens it again and reports it.
func (p *Pool) PrestartSources(ctx context.Context, names ...string) {
	prestart(ctx, p, names, p.Source)
}

// PrestartSinks is PrestartSources for sink connectors.
func (p *Pool) PrestartSinks(ctx context.Context, names ...string) {
	prestart(ctx, p, names, p.Sink)
}

func prestart[T any](ctx context.Context, p *Pool, names []string, open func(context.Context, string) (T, func() error, error)) {
	for _, n := range names {
		p.starts.Add(1)
		go func() {
			defer p.starts.Done()
			_, _, _ = open(ctx, n)
		}()
	}
}

// Close waits for background starts and ends every connector the pool
// opened. Use the pool no more once it is closed.
func (p *Pool) Close() error {
	p.starts.Wait()
	p.mu.Lock()
	var open []func() error
	var pending []chan struct{}
	for _, e := range p.sources {
		pending = append(pending, e.ready)
		open = append(open, func() error { return closeOpened(e.err, e.close) })
	}
	for _, e := range p.sinks {
		pending = append(pending, e.ready)
		open = append(open, func() error { return closeOpened(e.err, e.close) })
	}
	clear(p.sources)
	clear(p.sinks)
	p.mu.Unlock()
	for _, r := range pending {
		<-r
	}
	var errs []error
	for _, c := range open {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

func closeOpened(openErr error, close func() error) error {
	if openErr != nil {
		return nil
	}
	return close()
}
