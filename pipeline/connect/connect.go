// Package connect is how the host opens connectors: the Connectors
// interface the run and the rights commands take, the built-ins served in
// process (InProcess), every connector as a go-plugin process (Plugins),
// and where plugin executables are looked for (PluginDirs).
package connect

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/builtin"
	"github.com/example/pipeline/connectors/plugin"
	"github.com/example/pipeline/pipeline/config"
)

// Connectors opens connectors by name. The close func ends whatever the
// connector holds (a plugin process).
type Connectors interface {
	Source(ctx context.Context, name string) (connectors.Source, func() error, error)
	Sink(ctx context.Context, name string) (connectors.Sink, func() error, error)
}

func noClose() error { return nil }

// InProcess serves the built-in connectors inside the pipeline process
// (tests and `--connectors inprocess`); the default is Plugins.
type InProcess struct{}

var _ Connectors = InProcess{}

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

// PluginDirs are the folders searched, in order, for plugin executables
// (pipeline-connector-NAME): those in $PIPELINE_PLUGIN_DIR, then the
// plugins folder beside pipeline.yaml (when cfg is not nil). PATH is
// searched after them by the registry.
func PluginDirs(cfg *config.Config) []string {
	var dirs []string
	if d := os.Getenv("PIPELINE_PLUGIN_DIR"); d != "" {
		dirs = append(dirs, filepath.SplitList(d)...)
	}
	if cfg != nil {
		dirs = append(dirs, filepath.Join(cfg.Dir, "plugins"))
	}
	return dirs
}
