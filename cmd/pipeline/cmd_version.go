package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// buildVersion is what `pipeline version` reports: the module version and
// VCS revision the binary was built from, and the DuckDB library it links.
type buildVersion struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	DuckDB   string `json:"duckdb"`
}

func readBuildVersion(ctx context.Context) buildVersion {
	v := buildVersion{Version: "(devel)", Go: runtime.Version(), DuckDB: "unknown"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Revision = s.Value
			case "vcs.time":
				v.Time = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if db, err := engine.Open(ctx, engine.Settings{}); err == nil {
		defer db.Close()
		_ = db.QueryRowContext(ctx, engine.MustRender("engine_version", nil)).Scan(&v.DuckDB)
	}
	return v
}

// cmdVersion prints the build's version (`pipeline version`, `--version`).
func cmdVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("version", stderr)
	format := fs.String("format", "text", "text|json")
	if err := parse(fs, args); err != nil {
		return err
	}
	v := readBuildVersion(ctx)
	switch *format {
	case "json":
		return json.NewEncoder(stdout).Encode(v)
	case "text":
		rev := v.Revision
		if v.Modified {
			rev += " (modified)"
		}
		fmt.Fprintf(stdout, "pipeline %s\nrevision %s %s\ngo %s\nduckdb %s\n", v.Version, rev, v.Time, v.Go, v.DuckDB)
		return nil
	}
	return usagef("version: --format %q is not text or json", *format)
}

// cmdSchema prints the JSON Schema of pipeline.yaml (docs/pipeline.schema.json).
func cmdSchema(args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("schema", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	b, err := config.Schema()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}
