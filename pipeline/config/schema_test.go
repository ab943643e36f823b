package config

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

var updateSchema = flag.Bool("update", false, "rewrite docs/pipeline.schema.json from Schema()")

const schemaDoc = "../../docs/pipeline.schema.json"

// compileSchema compiles Schema() with a real JSON Schema validator.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatalf("the generated schema does not compile: %v", err)
	}
	return s
}

// yamlInstance reads YAML as the JSON value an editor's language server
// checks against the schema: YAML 1.2's core schema, where 2026-10-01 is a
// string, not a timestamp.
func yamlInstance(t *testing.T, src []byte) any {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := untimed(&n).Decode(&v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// untimed retags implicit timestamps as strings, in place.
func untimed(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!timestamp" {
		n.Tag = "!!str"
	}
	for _, c := range n.Content {
		untimed(c)
	}
	return n
}

func TestSchemaCoversEveryKey(t *testing.T) {
	if _, err := Schema(); err != nil {
		t.Fatal(err)
	}
	for _, kt := range keyTables {
		if _, ok := keyDocs[kt.section]; !ok {
			t.Errorf("section %q has no keyDocs", kt.section)
		}
	}
}

// TestSchemaFileIsCurrent keeps the committed docs/pipeline.schema.json equal
// to what `pipeline schema` prints (go test -run SchemaFile -update rewrites it).
func TestSchemaFileIsCurrent(t *testing.T) {
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *updateSchema {
		if err := os.WriteFile(schemaDoc, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(schemaDoc)
	if err != nil {
		t.Fatalf("%v (go test ./pipeline/config -run SchemaFile -update writes it)", err)
	}
	if !bytes.Equal(got, b) {
		t.Fatalf("%s is stale: go test ./pipeline/config -run SchemaFile -update", schemaDoc)
	}
}

// TestSchemaAcceptsTheRepositorysConfigs validates every pipeline config in
// the repository against the schema, and checks the decoder agrees they are
// valid.
func TestSchemaAcceptsTheRepositorysConfigs(t *testing.T) {
	s := compileSchema(t)
	out, err := exec.Command("git", "-C", "../..", "ls-files", "*.yaml", "*.yml").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	var n int
	for _, f := range strings.Fields(string(out)) {
		src, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(src, []byte("\nsources:")) {
			continue // not a pipeline config
		}
		n++
		if err := s.Validate(yamlInstance(t, src)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if n < 2 {
		t.Fatalf("found %d pipeline configs in the repository, want at least pipeline.yaml and testdata/valid.yaml", n)
	}
}

func TestSchemaRejects(t *testing.T) {
	s := compileSchema(t)
	base, err := os.ReadFile("../../pipeline.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, to, want string
	}{
		{"unknown top-level key", "exports_dir: exports", "exports_dir: exports\nexport_dir: x", "export_dir"},
		{"unknown key in a source", "role: companies", "role: companies\n    conector: csv", "conector"},
		{"wrong type", "threads: 2", "threads: two", "threads"},
		{"value outside a vocabulary", "role: companies", "role: company", "role"},
		{"lia b2b not a boolean", "b2b: true", "b2b: [yes]", "b2b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(string(base), tt.from, tt.to, 1)
			if src == string(base) {
				t.Fatalf("pipeline.yaml has no %q to replace", tt.from)
			}
			err := s.Validate(yamlInstance(t, []byte(src)))
			if err == nil {
				t.Fatal("the schema accepted it")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %q", err, tt.want)
			}
		})
	}
}
