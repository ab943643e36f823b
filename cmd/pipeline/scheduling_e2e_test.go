package main

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The scheduler examples under examples/scheduling name these paths; the
// test runs each command line with them pointed at a workspace.
const (
	exampleBin    = "/usr/local/bin/pipeline"
	exampleConfig = "/srv/pipeline/pipeline.yaml"
)

// schedulerCommands extracts the pipeline command lines from every example
// under examples/scheduling, as argv, keyed by "file: line".
func schedulerCommands(t *testing.T) map[string][]string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "examples", "scheduling")
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	out := map[string][]string{}
	add := func(where string, argv []string) {
		out[where] = argv
	}
	// crontab: five schedule fields, then a shell command with redirections
	for i, line := range strings.Split(read("crontab"), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") || strings.Contains(f[0], "=") {
			continue
		}
		if len(f) < 6 {
			t.Fatalf("crontab:%d: not five schedule fields and a command", i+1)
		}
		add("crontab:"+f[5], dropRedirections(shellWords(t, strings.Join(f[5:], " "))))
	}
	// systemd: ExecStart=
	for _, line := range strings.Split(read("pipeline.service"), "\n") {
		if cmd, ok := strings.CutPrefix(line, "ExecStart="); ok {
			add("pipeline.service", shellWords(t, cmd))
		}
	}
	// Airflow: BashOperator's bash_command, KubernetesPodOperator's cmds + arguments
	dag := read("airflow_dag.py")
	for i, m := range regexp.MustCompile(`bash_command="([^"]+)"`).FindAllStringSubmatch(dag, -1) {
		add("airflow_dag.py bash_command "+string(rune('a'+i)), shellWords(t, m[1]))
	}
	cmds := regexp.MustCompile(`cmds=\[([^\]]*)\],\s*arguments=\[([^\]]*)\]`).FindStringSubmatch(dag)
	if cmds == nil {
		t.Fatal("airflow_dag.py: no KubernetesPodOperator cmds/arguments")
	}
	add("airflow_dag.py KubernetesPodOperator", append(pyList(cmds[1]), pyList(cmds[2])...))
	// Kubernetes CronJob: the container's command + args
	var cj struct {
		Spec struct {
			JobTemplate struct {
				Spec struct {
					Template struct {
						Spec struct {
							Containers []struct {
								Command, Args []string
							}
						}
					}
				}
			} `yaml:"jobTemplate"`
		}
	}
	if err := yaml.Unmarshal([]byte(read("cronjob.yaml")), &cj); err != nil {
		t.Fatalf("cronjob.yaml: %v", err)
	}
	for _, c := range cj.Spec.JobTemplate.Spec.Template.Spec.Containers {
		add("cronjob.yaml", append(c.Command, c.Args...))
	}
	return out
}

// shellWords splits a command line as sh would for the plain words and
// quotes these examples use.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	for _, m := range regexp.MustCompile(`'[^']*'|"[^"]*"|\S+`).FindAllString(s, -1) {
		words = append(words, strings.Trim(m, `'"`))
	}
	return words
}

func dropRedirections(argv []string) []string {
	return slices.DeleteFunc(argv, func(w string) bool { return strings.ContainsAny(w, "<>") })
}

func pyList(s string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`"([^"]*)"`).FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestSchedulerExamples runs every command line of the scheduler examples
// against a workspace: each must be one the CLI accepts and succeeds with.
func TestSchedulerExamples(t *testing.T) {
	cmds := schedulerCommands(t)
	for _, want := range []string{"crontab:/usr/local/bin/pipeline", "pipeline.service", "airflow_dag.py KubernetesPodOperator", "cronjob.yaml"} {
		found := false
		for k := range cmds {
			found = found || strings.HasPrefix(k, want)
		}
		if !found {
			t.Errorf("no command line found in %s", want)
		}
	}
	dir := workspace(t)
	ran := map[string]bool{}
	wheres := slices.Sorted(maps.Keys(cmds)) // a stable order: the run after the others
	for _, where := range wheres {
		argv := cmds[where]
		if len(argv) < 2 || argv[0] != exampleBin {
			t.Errorf("%s: %q does not run %s", where, argv, exampleBin)
			continue
		}
		if !slices.Contains(argv, "json") || !slices.Contains(argv, "--log-format") {
			t.Errorf("%s: %q does not log JSON (--log-format json)", where, argv)
		}
		args := slices.Clone(argv[1:])
		for i, a := range args {
			if a == exampleConfig {
				args[i] = filepath.Join(dir, "pipeline.yaml")
			}
		}
		key := strings.Join(args, " ")
		if ran[key] {
			continue // the same command line in another example
		}
		ran[key] = true
		if r := pipeline(t, dir, args...); r.code != 0 {
			t.Errorf("%s: pipeline %q: exit %d\n%s", where, argv[1:], r.code, r.stderr)
		}
	}
	if len(ran) < 3 {
		t.Errorf("ran %d distinct command lines, want the run, the audit check and the overdue requests", len(ran))
	}
}
