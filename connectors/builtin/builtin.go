// Package builtin serves the connectors compiled into the pipeline binary
// (`pipeline connector serve NAME`), so that one build gives a working
// tool in which every connector still runs as a go-plugin process.
package builtin

import (
	"fmt"
	"sort"
	"strings"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/csv"
	"github.com/example/pipeline/connectors/http"
	"github.com/example/pipeline/connectors/parquet"
	"github.com/example/pipeline/connectors/postgres"
	"github.com/example/pipeline/connectors/sdk"
)

// entry builds a built-in connector's source and sink (either may be nil).
type entry func() (connectors.Source, connectors.Sink)

// table is the list of built-ins; read-only.
func table() map[string]entry {
	return map[string]entry{
		http.Name:     func() (connectors.Source, connectors.Sink) { return http.NewSource(), nil },
		csv.Name:      func() (connectors.Source, connectors.Sink) { return csv.NewSource(), nil },
		parquet.Name:  func() (connectors.Source, connectors.Sink) { return parquet.NewSource(), parquet.NewSink() },
		postgres.Name: func() (connectors.Source, connectors.Sink) { return postgres.NewSource(), postgres.NewSink() },
	}
}

// Names returns the built-in connector names, sorted.
func Names() []string {
	t := table()
	names := make([]string, 0, len(t))
	for n := range t {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Open returns the built-in connector's source and sink (either may be
// nil) in-process, for tests and tools that do not need a plugin process.
func Open(name string) (connectors.Source, connectors.Sink, error) {
	e, ok := table()[name]
	if !ok {
		return nil, nil, fmt.Errorf("builtin: unknown connector %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	src, sink := e()
	return src, sink, nil
}

// Serve serves the named built-in as a plugin until the host disconnects.
// It is what `pipeline connector serve NAME` runs; an unknown name is an
// error listing the known ones.
func Serve(name string) error {
	src, sink, err := Open(name)
	if err != nil {
		return err
	}
	return sdk.Serve(src, sink)
}
