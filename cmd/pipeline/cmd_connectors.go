package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	flag "github.com/spf13/pflag"

	"github.com/example/pipeline/connectors/builtin"
	"github.com/example/pipeline/connectors/plugin"
	"github.com/example/pipeline/pipeline/connect"
)

func cmdConnectors(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const use = "usage: pipeline connectors list [-f pipeline.yaml] [--format table|json]"
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprintln(stdout, use)
		return nil
	}
	if len(args) == 0 || args[0] != "list" {
		return usagef(use)
	}
	fs, c := newFlags("connectors list", stderr)
	format := fs.String("format", "table", "table|json")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return usagef("--format %q: want table or json", *format)
	}
	// without pipeline.yaml the connectors are listed all the same; a
	// config file named with -f must be there
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "f" })
	cfg, cfgErr := c.load()
	if explicit && cfgErr != nil {
		return cfgErr
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if cfgErr != nil {
		cfg = nil // (no plugins folder beside a pipeline.yaml that did not load)
	}
	reg := plugin.NewRegistry(plugin.RegistryOptions{SelfExe: self, Builtins: builtin.Names(), PluginDirs: connect.PluginDirs(cfg), SearchPATH: true, Stderr: prefixWriter{stderr}})
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
