package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// commandPaths lists every visible command of the CLI as its words
// ("suppress add"), from the same table the binary is built from.
func commandPaths(prefix string, cmds []command) [][]string {
	var out [][]string
	for _, c := range cmds {
		if c.hidden {
			continue
		}
		p := append(append([]string{}, strings.Fields(prefix)...), strings.Fields(c.use)[0])
		out = append(out, p)
		out = append(out, commandPaths(strings.Join(p, " "), c.sub)...)
	}
	return out
}

// TestHelpListsEveryCommand: `pipeline help` names every command with its
// one-line summary, and so does `pipeline help GROUP` for subcommands.
func TestHelpListsEveryCommand(t *testing.T) {
	dir := t.TempDir()
	r := mustPipeline(t, dir, "help")
	for _, c := range commands() {
		if c.hidden {
			if strings.Contains(r.stdout, "\n  "+strings.Fields(c.use)[0]+" ") {
				t.Errorf("pipeline help lists the internal command %q", c.use)
			}
			continue
		}
		line := "\n  " + strings.Fields(c.use)[0] + " "
		if !strings.Contains(r.stdout, line) || !strings.Contains(r.stdout, c.short) {
			t.Errorf("pipeline help does not list %q with %q:\n%s", c.use, c.short, r.stdout)
		}
		if len(c.sub) == 0 {
			continue
		}
		g := mustPipeline(t, dir, "help", strings.Fields(c.use)[0])
		for _, s := range c.sub {
			if !strings.Contains(g.stdout, "\n  "+strings.Fields(s.use)[0]+" ") || !strings.Contains(g.stdout, s.short) {
				t.Errorf("pipeline help %s does not list %q:\n%s", c.use, s.use, g.stdout)
			}
		}
	}
	for _, want := range []string{"completion", "Exit codes: 0 success, 1 runtime failure, 2 usage or config error"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("pipeline help: no %q:\n%s", want, r.stdout)
		}
	}
}

// TestHelpEveryCommand: `pipeline help CMD` and `CMD --help` (also -h)
// exit 0 with the command's description, examples and flags, for every
// command and subcommand.
func TestHelpEveryCommand(t *testing.T) {
	dir := t.TempDir()
	for _, p := range commandPaths("", commands()) {
		t.Run(strings.Join(p, " "), func(t *testing.T) {
			for _, args := range [][]string{append([]string{"help"}, p...), append(append([]string{}, p...), "--help"), append(append([]string{}, p...), "-h")} {
				r := pipeline(t, dir, args...)
				if r.code != 0 {
					t.Fatalf("pipeline %v: exit %d\n%s", args, r.code, r.stderr)
				}
				for _, want := range []string{"Usage:\n  pipeline " + strings.Join(p, " "), "Examples:\n  pipeline " + p[0], "Flags:\n"} {
					if !strings.Contains(r.stdout, want) {
						t.Errorf("pipeline %v: no %q in:\n%s", args, want, r.stdout)
					}
				}
			}
		})
	}
	r := mustPipeline(t, dir, "help", "run")
	for _, want := range []string{"Runs the pipeline once", "--until string", "--only string", "--select string", "--dry-run", "-f, --f string", "--log-format string", "pipeline run --select export"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("pipeline help run: no %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "Usage of run") {
		t.Errorf("pipeline help run is Go's flag dump:\n%s", r.stdout)
	}
}

// TestCompletion: `pipeline completion bash` is a script bash accepts and
// that registers a completion for pipeline; zsh and fish scripts too; the
// completion knows each command's subcommands and flags.
func TestCompletion(t *testing.T) {
	dir := t.TempDir()
	r := mustPipeline(t, dir, "completion", "bash")
	script := filepath.Join(dir, "pipeline.bash")
	if err := os.WriteFile(script, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	out, err := exec.Command("bash", "-c", "source "+script+" && complete -p pipeline").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "pipeline") || !strings.Contains(string(out), "-F") {
		t.Fatalf("complete -p pipeline after sourcing: %v\n%s", err, out)
	}
	for _, sh := range []string{"zsh", "fish"} {
		if r := mustPipeline(t, dir, "completion", sh); !strings.Contains(r.stdout, "pipeline") {
			t.Errorf("completion %s: %q", sh, r.stdout)
		}
	}
	if r := pipeline(t, dir, "completion", "tcsh"); r.code != 2 {
		t.Errorf("completion tcsh: exit %d, want 2", r.code)
	}
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"__complete", ""}, []string{"run", "suppress", "sar", "completion"}},
		{[]string{"__complete", "suppress", ""}, []string{"add", "import", "list", "check", "remove"}},
		{[]string{"__complete", "run", "--"}, []string{"--until", "--only", "--dry-run", "--log-format"}},
		{[]string{"__complete", "sar", "--"}, []string{"--email", "--request", "--format"}},
	} {
		r := mustPipeline(t, dir, tt.args...)
		for _, w := range tt.want {
			if !strings.Contains(r.stdout, w+"\n") && !strings.Contains(r.stdout, w+"\t") {
				t.Errorf("%v: no %q in:\n%s", tt.args, w, r.stdout)
			}
		}
	}
}

// TestUsageErrorsCobra: unknown flags of subcommands, unknown
// subcommands and Go-flag spellings (one dash before a long name) keep
// their exit codes; a command name typo gets a suggestion.
func TestUsageErrorsCobra(t *testing.T) {
	dir := workspace(t)
	for _, tt := range []struct {
		args     []string
		code     int
		contains string
	}{
		{[]string{"suppress", "add", "--bogus"}, 2, "bogus"},
		{[]string{"requests", "add", "--bogus"}, 2, "bogus"},
		{[]string{"audit", "verify", "--bogus"}, 2, "bogus"},
		{[]string{"suppress", "bogus"}, 2, "unknown subcommand"},
		{[]string{"suppress"}, 2, "give a subcommand"},
		{[]string{"rnu"}, 2, "did you mean run"},
		{[]string{"run", "-until", "bogus"}, 2, "--until/--only \"bogus\""},
		{[]string{"run", "-log-format=xml"}, 2, "--log-format \"xml\""},
		{[]string{"runs", "-n", "x"}, 2, "invalid argument"},
	} {
		r := pipeline(t, dir, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.contains) {
			t.Errorf("pipeline %v: exit %d, stderr %q; want %d with %q", tt.args, r.code, r.stderr, tt.code, tt.contains)
		}
	}
}

// TestRequestsExtendArgument: `requests extend ID --reason TEXT` takes its
// ID (it was refused as an unexpected argument), and the register shows
// the extension.
func TestRequestsExtendArgument(t *testing.T) {
	dir := workspace(t)
	r := mustPipeline(t, dir, "requests", "add", "--type", "access", "--email", "a@example.com", "--identity", "reply from the address on file")
	id, _, _ := strings.Cut(r.stdout, ":")
	mustPipeline(t, dir, "requests", "extend", id, "--reason", "complex: many datasets")
	if l := mustPipeline(t, dir, "requests"); !strings.Contains(l.stdout, "(extended)") {
		t.Errorf("requests after extend:\n%s", l.stdout)
	}
	if r := pipeline(t, dir, "requests", "extend", "--reason", "x"); r.code != 2 {
		t.Errorf("requests extend without ID: exit %d, want 2", r.code)
	}
}
