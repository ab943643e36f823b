package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/rs/zerolog"
	"github.com/spf13/pflag"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/engine"
)

// usageError is a command-line mistake (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// failureStyle says how the final error is written: command is the
// command's name, json whether the command line asked for JSON logs.
type failureStyle struct {
	command string
	json    bool
}

// failure reads the style of the final error from the command line: JSON
// when its last --log-format (or -log-format) is json.
func failure(args []string) failureStyle {
	var st failureStyle
	if len(args) > 0 {
		st.command = args[0]
	}
	for i, a := range args {
		if a == "--" {
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "log-format" {
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				continue
			}
			val = args[i+1]
		}
		st.json = val == "json"
	}
	return st
}

// exitStatus maps err to the documented exit codes (0 success, 1 runtime
// failure, 2 usage or config error) and the message to print.
func exitStatus(err error) (int, string) {
	if err == nil || errors.Is(err, pflag.ErrHelp) {
		return 0, ""
	}
	var diags config.Diagnostics
	var u usageError
	switch {
	case errors.As(err, &diags):
		return 2, diags.Error()
	case errors.As(err, &u):
		return 2, u.msg
	case errors.Is(err, engine.ErrRefused): // `query` outside its sandbox
		return 2, err.Error()
	}
	return 1, err.Error()
}

// exitCode writes err to stderr and returns the exit code: plain text
// ("pipeline: …"), or with JSON logs one JSON event (level error,
// exit_code, command, error) so that a log pipeline reads the failure.
func exitCode(err error, stderr io.Writer, st failureStyle) int {
	code, msg := exitStatus(err)
	if code == 0 {
		return 0
	}
	if st.json {
		log := zerolog.New(stderr).With().Timestamp().Logger()
		log.Error().Int("exit_code", code).Str("command", st.command).Str("error", msg).Msg("pipeline failed")
		return code
	}
	var diags config.Diagnostics
	if errors.As(err, &diags) {
		fmt.Fprintln(stderr, msg)
	} else {
		fmt.Fprintln(stderr, "pipeline:", msg)
	}
	return code
}
