package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestShardingK8sExample runs examples/k8s/sharded-run.yaml as Kubernetes
// would on the bundled project: its shards' command, once per
// JOB_COMPLETION_INDEX at once, then its commit Job's command; the
// export is swapped in. The file must parse as YAML, the shards' Job be
// an Indexed Job of as many completions as its SHARDS.
func TestShardingK8sExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", "k8s", "sharded-run.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	type container struct {
		Command, Args []string
		Env           []struct{ Name, Value string }
	}
	type doc struct {
		Kind string
		Spec struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int
			Template       struct {
				Spec struct{ Containers []container }
			}
		}
	}
	var docs []doc
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	for {
		var d doc
		if err := dec.Decode(&d); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("sharded-run.yaml: %v", err)
		}
		docs = append(docs, d)
	}
	if len(docs) < 2 || docs[0].Kind != "Job" || docs[0].Spec.CompletionMode != "Indexed" || docs[1].Kind != "Job" {
		t.Fatalf("want an Indexed Job then the commit Job, got %+v", docs)
	}
	shardC, commitC := docs[0].Spec.Template.Spec.Containers[0], docs[1].Spec.Template.Spec.Containers[0]
	shards := ""
	for _, e := range shardC.Env {
		if e.Name == "SHARDS" {
			shards = e.Value
		}
	}
	if shards != strconv.Itoa(docs[0].Spec.Completions) {
		t.Fatalf("the shards' SHARDS %q is not the Job's completions %d", shards, docs[0].Spec.Completions)
	}
	dir := workspace(t)
	local := func(s string) string {
		s = strings.ReplaceAll(s, "/usr/local/bin/pipeline", binPath)
		return strings.ReplaceAll(s, "/srv/pipeline/pipeline.yaml", filepath.Join(dir, "pipeline.yaml"))
	}
	var cs []*exec.Cmd
	for i := 0; i < docs[0].Spec.Completions; i++ {
		argv := append(append([]string{}, shardC.Command...), shardC.Args...)
		c := exec.Command(argv[0], append(argv[1:len(argv)-1], local(argv[len(argv)-1]))...)
		c.Dir = dir
		c.Env = append(os.Environ(), "CI=1", "JOB_COMPLETION_INDEX="+strconv.Itoa(i), "SHARDS="+shards, "RUN_ID=k8s-example")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	for i, c := range cs {
		if err := c.Wait(); err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
	}
	var args []string
	for _, a := range commitC.Args {
		args = append(args, strings.ReplaceAll(local(a), "${RUN_ID}", "k8s-example"))
	}
	if commitC.Command[0] != "/usr/local/bin/pipeline" || args[0] != "commit-run" {
		t.Fatalf("commit Job runs %v %v", commitC.Command, commitC.Args)
	}
	r := mustPipeline(t, dir, args...)
	if !strings.Contains(r.stdout, "swapped in") {
		t.Fatalf("commit-run: %s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "exports", "acme_q1", "_manifest.json")); err != nil {
		t.Fatal(err)
	}
}
