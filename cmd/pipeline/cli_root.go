package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// command is one command of the CLI as `pipeline help` shows it, with its
// body; a command with sub and no body is a group (suppress, connectors).
type command struct {
	use, short, long, example string
	body                      body
	// request: the command takes --request ID (withRequest reads it
	// before the body sees its arguments)
	request bool
	// raw: the body reads its arguments itself and declares no flags
	// (connector serve, launched by pipeline itself)
	raw    bool
	hidden bool
	sub    []command
}

// bodyError marks an error a command body returned: anything else cobra
// returns (an unknown command, a completion shell it does not know) is a
// usage error.
type bodyError struct{ err error }

func (e bodyError) Error() string { return e.err.Error() }
func (e bodyError) Unwrap() error { return e.err }

// run is the whole CLI: cobra's command tree over the command bodies.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "--version" {
		args = append([]string{"version"}, args[1:]...)
	}
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var be bodyError
	var ue usageError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &be):
		return be.err
	case errors.As(err, &ue):
		return err
	}
	return usageError{err.Error()}
}

// newRoot builds the command tree from commands().
func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "pipeline",
		Short: "GDPR/PECR-compliant B2B prospect lists with DuckDB",
		Long:  rootLong,
		Example: `  pipeline validate                 # check pipeline.yaml, print the plan and its SQL
  pipeline run                      # stage, enrich, suppress, classify, export
  pipeline sar --email a@example.com --format html --out sar.html
  pipeline help run                 # any command's flags and examples`,
		SilenceErrors:              true,
		SilenceUsage:               true,
		SuggestionsMinimumDistance: 2,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			msg := fmt.Sprintf("unknown command %q (see pipeline help)", args[0])
			if s := c.SuggestionsFor(args[0]); len(s) > 0 {
				msg += "; did you mean " + strings.Join(s, " or ") + "?"
			}
			return usageError{msg}
		},
		RunE: func(c *cobra.Command, args []string) error {
			_ = c.Help()
			return usagef("no command given")
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usagef("%s: %v (see pipeline help %s)", c.CommandPath(), err, strings.TrimPrefix(c.CommandPath(), "pipeline "))
	})
	pf := root.PersistentFlags()
	pf.String("log-format", "", "console|json (default: console on a terminal, json otherwise); with json a failure is one JSON event with exit_code")
	pf.String("log-level", "info", "debug|info|warn|error")
	for _, cm := range commands() {
		root.AddCommand(cm.cobra(stdout, stderr))
	}
	// cobra's own completion command: a usage error for a shell it does
	// not know, like every group
	root.InitDefaultCompletionCmd()
	if c, _, err := root.Find([]string{"completion"}); err == nil && c != root {
		c.RunE = groupRun
	}
	return root
}

// groupRun is what a group of subcommands does when called without a
// known one: a usage error naming them (exit 2).
func groupRun(c *cobra.Command, args []string) error {
	var subs []string
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			subs = append(subs, s.Name())
		}
	}
	name := c.Name()
	if len(args) == 0 {
		return usagef("%s: give a subcommand: %s (see pipeline help %s)", name, strings.Join(subs, ", "), name)
	}
	return usagef("%s: unknown subcommand %q (want %s)", name, args[0], strings.Join(subs, ", "))
}

// cobra turns cm into a cobra command. A body parses its own flags
// (DisableFlagParsing); cobra knows them from describe, for help and
// completion.
func (cm command) cobra(stdout, stderr io.Writer) *cobra.Command {
	c := &cobra.Command{Use: cm.use, Short: cm.short, Long: cm.long, Example: cm.example, Hidden: cm.hidden}
	name := strings.Fields(cm.use)[0]
	for _, s := range cm.sub {
		c.AddCommand(s.cobra(stdout, stderr))
	}
	if cm.body == nil {
		c.RunE = groupRun
		return c
	}
	c.DisableFlagParsing = true
	if !cm.raw {
		c.Flags().AddFlagSet(describe(name, cm.body))
	}
	if cm.request {
		c.Flags().String("request", "", "the rights request this answers (pipeline requests add): checked first, recorded as answered when done")
	}
	c.RunE = func(c *cobra.Command, args []string) error {
		err := cm.body(c.Context(), args, stdout, stderr)
		if errors.Is(err, pflag.ErrHelp) {
			return c.Help()
		}
		if err != nil {
			return bodyError{err}
		}
		return nil
	}
	return c
}
