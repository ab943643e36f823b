package flow

import (
	"context"
	"errors"
	"fmt"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/builtin"
	"github.com/example/pipeline/connectors/plugin"
)

// InProcess serves the built-in connectors inside the pipeline process
// (tests and `--connectors inprocess`); the default is Plugins.
type InProcess struct{}

var _ Connectors = InProcess{}

func noClose() error { return nil }

// Source implements Connectors.
func (InProcess) Source(_ context.Context, name string) (connectors.Source, func() error, error) {
	src, _, err := builtin.Open(name)
	if err != nil {
		return nil, nil, err
	}
	if src == nil {
		return nil, nil, fmt.Errorf("connector %q is not a source", name)
	}
	return src, noClose, nil
}

// Sink implements Connectors.
func (InProcess) Sink(_ context.Context, name string) (connectors.Sink, func() error, error) {
	_, sink, err := builtin.Open(name)
	if err != nil {
		return nil, nil, err
	}
	if sink == nil {
		return nil, nil, fmt.Errorf("connector %q is not a sink", name)
	}
	return sink, noClose, nil
}

// Plugins launches every connector as a go-plugin process through a
// registry (built-ins served by the pipeline binary itself).
type Plugins struct{ Registry *plugin.Registry }

var _ Connectors = Plugins{}

// Source implements Connectors.
func (p Plugins) Source(ctx context.Context, name string) (connectors.Source, func() error, error) {
	s, c, err := p.Registry.OpenSource(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	return s, c.Close, nil
}

// Sink implements Connectors.
func (p Plugins) Sink(ctx context.Context, name string) (connectors.Sink, func() error, error) {
	s, c, err := p.Registry.OpenSink(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	return s, c.Close, nil
}

// reuse keeps one instance of each connector for a whole run: a run with
// five CSV sources launches the csv plugin once, not five times. Close
// ends them all; the per-call close funcs it hands out do nothing.
type reuse struct {
	inner   Connectors
	sources map[string]connectors.Source
	sinks   map[string]connectors.Sink
	closers []func() error
}

func newReuse(inner Connectors) *reuse {
	return &reuse{inner: inner, sources: map[string]connectors.Source{}, sinks: map[string]connectors.Sink{}}
}

// Source implements Connectors.
func (r *reuse) Source(ctx context.Context, name string) (connectors.Source, func() error, error) {
	if s, ok := r.sources[name]; ok {
		return s, noClose, nil
	}
	s, c, err := r.inner.Source(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	r.sources[name], r.closers = s, append(r.closers, c)
	return s, noClose, nil
}

// Sink implements Connectors.
func (r *reuse) Sink(ctx context.Context, name string) (connectors.Sink, func() error, error) {
	if s, ok := r.sinks[name]; ok {
		return s, noClose, nil
	}
	s, c, err := r.inner.Sink(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	r.sinks[name], r.closers = s, append(r.closers, c)
	return s, noClose, nil
}

// Close ends every connector the run opened.
func (r *reuse) Close() error {
	var errs []error
	for _, c := range r.closers {
		errs = append(errs, c())
	}
	r.closers = nil
	return errors.Join(errs...)
}
