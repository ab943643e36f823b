package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/example/pipeline/connectors/builtin"
	"github.com/example/pipeline/connectors/plugin"
	"github.com/example/pipeline/pipeline/config"
)

func cmdConnectors(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "list" {
		return usagef("usage: pipeline connectors list [-f pipeline.yaml] [--format table|json]")
	}
	fs, c := newFlags("connectors list", stderr)
	format := fs.String("format", "table", "table|json")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var dirs []string
	if d := os.Getenv("PIPELINE_PLUGIN_DIR"); d != "" {
		dirs = append(dirs, filepath.SplitList(d)...)
	}
	if cfg, err := config.Load(c.file); err == nil {
		dirs = append(dirs, filepath.Join(cfg.Dir, "plugins"))
	}
	reg := plugin.NewRegistry(plugin.RegistryOptions{SelfExe: self, Builtins: builtin.Names(), PluginDirs: dirs, SearchPATH: true, Stderr: prefixWriter{stderr}})
	infos, err := reg.List(ctx)
	if err != nil {
		return err
	}
	if *format == "json" {
		b, _ := json.MarshalIndent(infos, "", "  ")
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tkind\torigin\tversion\tcapabilities\tpath")
	for _, in := range infos {
		kinds := make([]string, len(in.Kinds))
		for i, k := range in.Kinds {
			kinds[i] = string(k)
		}
		origin := string(in.Origin)
		if in.Shadowed {
			origin += " (shadowed)"
		}
		if in.Error != "" {
			origin += " ERROR: " + in.Error
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", in.Name, strings.Join(kinds, ","), origin, in.Version, strings.Join(in.Capabilities, ","), in.Path)
	}
	return tw.Flush()
}

// cmdConnectorServe is what the host launches over go-plugin for a
// built-in connector: `pipeline connector serve NAME`.
func cmdConnectorServe(args []string) error {
	if len(args) != 2 || args[0] != "serve" {
		return usagef("usage: pipeline connector serve NAME (launched by pipeline itself)")
	}
	return builtin.Serve(args[1])
}
