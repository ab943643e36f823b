package flow

import (
	"context"
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
