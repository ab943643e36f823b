package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	flag "github.com/spf13/pflag"
)

// body is a command's work: it declares its flags with newFlags, parses
// args with parse or parseArgs before anything else, then does the work.
// A command written this way is added to the CLI with one entry in
// commands() (cli_commands.go); see docs/cli.md.
type body func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// flagProbe is the stderr a body is called with to learn its flags
// without running it: newFlags hands it the flag set, parse returns
// errDescribed before reading any argument.
type flagProbe struct{ fs *flag.FlagSet }

func (*flagProbe) Write(b []byte) (int, error) { return len(b), nil }

// errDescribed is what a body returns when called with a flagProbe.
var errDescribed = errors.New("pipeline: flags described")

// describe returns the flags body declares. It calls body with a probe
// and an already cancelled context, so a body that breaks the contract
// (work before parse) cannot get far; describe then panics, which every
// command's --help test catches.
func describe(name string, b body) *flag.FlagSet {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := &flagProbe{}
	if err := b(ctx, nil, io.Discard, p); !errors.Is(err, errDescribed) || p.fs == nil {
		panic(fmt.Sprintf("pipeline %s: the command body must call newFlags and parse before any work (got %v)", name, err))
	}
	return p.fs
}
