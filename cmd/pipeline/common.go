package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"
	flag "github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/example/pipeline/connectors/builtin"
	"github.com/example/pipeline/connectors/plugin"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
)

// common are the flags every command takes.
type common struct {
	file       string
	logFormat  string
	logLevel   string
	connectors string
	// shardWarehouse: run against this shard's warehouse (acrossShards)
	shardWarehouse string
}

// newFlags starts a command's flag set (pflag, cobra's flag library) with
// the flags every command takes. Contract of a command body (docs/cli.md):
// it declares its flags on this set and calls parse or parseArgs before
// doing anything else; called with a *flagProbe as stderr, parse returns
// errDescribed at once and the command tree reads the flags from the
// probe (cli_probe.go) for help and shell completion.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	// `pipeline help CMD` and CMD --help print the help (cli_*.go), not
	// pflag's bare flag list
	fs.Usage = func() {}
	if p, ok := stderr.(*flagProbe); ok {
		p.fs = fs
	}
	c := &common{}
	fs.StringVarP(&c.file, "f", "f", "pipeline.yaml", "config file")
	fs.StringVar(&c.logFormat, "log-format", "", "console|json (default: console on a terminal, json otherwise)")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug|info|warn|error")
	fs.StringVar(&c.connectors, "connectors", "plugins", "plugins (every connector in its own go-plugin process) | inprocess")
	fs.StringVar(&c.shardWarehouse, shardWarehouseFlag, "", "(internal) one shard's warehouse, set by the rights commands of a sharded deployment")
	_ = fs.MarkHidden(shardWarehouseFlag)
	return fs, c
}

// parse parses the flags of a command that takes no positional argument:
// one is a usage error (exit 2), not silently ignored.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q (see pipeline help %s)", fs.Name(), fs.Arg(0), fs.Name())
	}
	return nil
}

// parseArgs parses flags and positional arguments, in any order. A flag
// error is a usage error (exit 2); -h/--help returns flag.ErrHelp (the
// command prints its help, exit 0).
func parseArgs(fs *flag.FlagSet, args []string) error {
	if _, ok := fs.Output().(*flagProbe); ok {
		return errDescribed
	}
	if err := fs.Parse(longDashes(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{fs.Name() + ": " + err.Error()}
	}
	return checkLogFlags(fs)
}

// longDashes keeps the Go flag spellings the CLI accepted before cobra:
// -until, -log-format=json, -n 5 (one dash before a long name) are read
// as --until, --log-format=json, --n 5. Arguments after "--", values and
// shorthands are left alone.
func longDashes(fs *flag.FlagSet, args []string) []string {
	out := make([]string, len(args))
	copy(out, args)
	for i, a := range out {
		if a == "--" {
			break
		}
		if len(a) < 2 || a[0] != '-' || a[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if f := fs.Lookup(name); f != nil && (len(name) > 1 || f.Shorthand != name) {
			out[i] = "-" + a
		}
	}
	return out
}

// checkLogFlags refuses unknown --log-format and --log-level values for
// every command, also those that log nothing.
func checkLogFlags(fs *flag.FlagSet) error {
	if f := fs.Lookup("log-format"); f != nil {
		if v := f.Value.String(); v != "" && v != "console" && v != "json" {
			return usagef("--log-format %q: want console or json", v)
		}
	}
	if f := fs.Lookup("log-level"); f != nil {
		if _, err := zerolog.ParseLevel(f.Value.String()); err != nil {
			return usagef("--log-level %q: want debug, info, warn or error", f.Value.String())
		}
	}
	return nil
}

// isTerminal reports whether w is a terminal (and not under CI): a
// terminal answers the terminal ioctl, which a character device such as
// /dev/null, where schedulers often send output, does not.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("CI") == ""
}

// logger builds the zerolog logger on stderr. Nothing personal is ever
// logged: the engine logs subject_keys, counts and names of datasets.
func (c *common) logger(stderr io.Writer) (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(c.logLevel)
	if err != nil {
		return zerolog.Nop(), usagef("--log-level %q: %v", c.logLevel, err)
	}
	format := c.logFormat
	if format == "" {
		format = "json"
		if isTerminal(stderr) {
			format = "console"
		}
	}
	var w io.Writer
	switch format {
	case "json":
		w = stderr
	case "console":
		w = zerolog.ConsoleWriter{Out: stderr, TimeFormat: time.TimeOnly, NoColor: !isTerminal(stderr)}
	default:
		return zerolog.Nop(), usagef("--log-format %q: want console or json", c.logFormat)
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), nil
}

// load reads the config file. A file that cannot be read (missing, a
// folder, no permission) is a usage error (exit 2) like any config error.
func (c *common) load() (*config.Config, error) { return c.loadWith(config.Load) }

// loadDeferred is load with the targeting predicate left unchecked
// (config.LoadDeferred): the caller checks it with cfg.CheckTargeting on
// the warehouse connection it opens.
func (c *common) loadDeferred() (*config.Config, error) { return c.loadWith(config.LoadDeferred) }

func (c *common) loadWith(load func(string) (*config.Config, error)) (*config.Config, error) {
	if _, err := os.Stat(c.file); err != nil {
		return nil, usagef("config file %s: %v (give it with -f FILE)", c.file, errors.Unwrap(err))
	}
	cfg, err := load(c.file)
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == c.file {
		return nil, usagef("config file %s: %v (give it with -f FILE)", c.file, pe.Err)
	}
	if err == nil && c.shardWarehouse != "" {
		return onShard(cfg, c.shardWarehouse)
	}
	return cfg, err
}

// conns returns the connector registry: every connector runs as a
// go-plugin process (built-ins served by this binary).
func (c *common) conns(cfg *config.Config, stderr io.Writer) (connect.Connectors, error) {
	switch c.connectors {
	case "inprocess":
		return connect.InProcess{}, nil
	case "plugins":
	default:
		return nil, usagef("--connectors %q: want plugins or inprocess", c.connectors)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return connect.Plugins{Registry: plugin.NewRegistry(plugin.RegistryOptions{
		SelfExe: self, Builtins: builtin.Names(), PluginDirs: connect.PluginDirs(cfg), SearchPATH: true,
		Stderr: prefixWriter{stderr},
	})}, nil
}

type prefixWriter struct{ w io.Writer }

func (p prefixWriter) Write(b []byte) (int, error) {
	s := strings.TrimRight(string(b), "\n")
	if s == "" {
		return len(b), nil
	}
	_, err := fmt.Fprintln(p.w, s)
	return len(b), err
}

// setup is what a command that runs connectors needs: the logger, the
// loaded config and the connector registry.
func (c *common) setup(stderr io.Writer) (zerolog.Logger, *config.Config, connect.Connectors, error) {
	log, err := c.logger(stderr)
	if err != nil {
		return log, nil, nil, err
	}
	cfg, err := c.load()
	if err != nil {
		return log, nil, nil, err
	}
	conns, err := c.conns(cfg, stderr)
	return log, cfg, conns, err
}

// checkFormat refuses a --format value not in allowed (exit 2), before a
// command does any work.
func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return usagef("--format %q: want %s", format, strings.Join(allowed, ", "))
}
