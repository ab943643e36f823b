package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/plugin"
	"github.com/example/pipeline/connectors/sdk/sdktest"
)

const sample = `{"email": "a@example.com", "name": "Ann", "age": 41}
{"name": "Bob", "email": null, "tags": ["x", "y"]}

{"email": "c@example.com", "country": "GB"}
`

func writeSample(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "people.jsonl")
	if err := os.WriteFile(p, []byte(sample), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConformance(t *testing.T) {
	sdktest.Source(t, source{}, sdktest.SourceCase{
		Options:    connectors.Options{"path": writeSample(t)},
		BadOptions: connectors.Options{"path": "/does/not/exist"},
		WantRows:   3,
	})
}

// TestDiscoveredBinary builds the real executable, finds it through a
// plugin directory and scans through it.
func TestDiscoveredBinary(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "pipeline-connector-jsonl"), ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	r := plugin.NewRegistry(plugin.RegistryOptions{PluginDirs: []string{dir}, StartTimeout: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	infos, err := r.List(ctx)
	if err != nil || len(infos) != 1 {
		t.Fatalf("List = %+v, %v", infos, err)
	}
	if in := infos[0]; in.Name != "jsonl" || in.Origin != plugin.OriginExternal || in.Version != "0.1.0" || in.Error != "" {
		t.Fatalf("info = %+v", in)
	}

	src, closer, err := r.OpenSource(ctx, "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "people", Options: connectors.Options{"path": writeSample(t)}})
	if err != nil {
		t.Fatal(err)
	}
	rr := scan.Records
	defer rr.Close()
	var names []string
	for _, f := range rr.Schema().Fields() {
		names = append(names, f.Name)
	}
	if got, want := names, []string{"email", "name", "age", "tags", "country"}; !slices.Equal(got, want) {
		t.Fatalf("columns = %v, want %v", got, want)
	}
	rec, err := rr.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	if rec.NumRows() != 3 {
		t.Fatalf("rows = %d", rec.NumRows())
	}
	col := func(i int) *array.String { return rec.Column(i).(*array.String) }
	if col(0).Value(0) != "a@example.com" || !col(0).IsNull(1) || col(2).Value(0) != "41" || col(3).Value(1) != `["x", "y"]` || col(4).Value(2) != "GB" || !col(4).IsNull(0) {
		t.Fatalf("unexpected values: %v", rec)
	}
	if _, err := rr.Next(ctx); err != io.EOF {
		t.Fatalf("Next = %v, want io.EOF", err)
	}
}

// TestMembersAgreesWithEncodingJSON: on every line members accepts,
// encoding/json gives the same members (last duplicate wins) and the same
// decoded strings; on every line encoding/json rejects, members fails too.
func TestMembersAgreesWithEncodingJSON(t *testing.T) {
	lines := []string{
		`{"a": "x", "b": 1, "c": null, "d": true}`,
		`  {"a":"x","b":-1.5e3}  `,
		`{}`, `{ }`,
		`{"e\u0301":"caf\u00e9", "q": "say \"hi\""}`,
		`{"n": {"x": [1, "]}", {"y": "}"}]}, "m": [1,2,3]}`,
		`{"a": "1", "a": "2"}`,
		`{"tab": "a\tb"}`, `{"nl": "a\nb"}`,
		`{"a": "x",}`, `{"a" "x"}`, `{"a": x}`, `{"a": tru}`, `{"a": 01}`, `{"a": "x"} trailing`,
		`["a"]`, `"a"`, `{"a": "unterminated}`, `{"a": [1, 2}`, `{"a": {"b": 1}`, `{a: 1}`,
		`{"a": 1 2}`, `{"a": -}`, `{"a": 1.}`, "{\"a\": \"ctl\x01\"}", `{"a": "\x"}`, `{"a": nul}`,
	}
	rng := rand.New(rand.NewPCG(5, 6))
	atoms := []string{`"s"`, `"Ünïcödé"`, `"esc\\\"aped"`, `12`, `-0.5`, `true`, `false`, `null`, `[]`, `{"k": [1, {"z": "}"}]}`, `"\u00e9"`}
	for range 2000 {
		var sb strings.Builder
		sb.WriteString("{")
		for j := range rng.IntN(5) {
			if j > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, `"k%d": %s`, rng.IntN(4), atoms[rng.IntN(len(atoms))])
		}
		sb.WriteString("}")
		lines = append(lines, sb.String())
	}
	for _, line := range lines {
		var want map[string]json.RawMessage
		jerr := json.Unmarshal([]byte(line), &want)
		if jerr == nil && want == nil {
			jerr = errors.New("not an object")
		}
		got := map[string]string{}
		err := members([]byte(line), func(k, v []byte) error {
			got[string(k)] = string(v)
			return nil
		})
		if (err == nil) != (jerr == nil) {
			t.Errorf("%q: members err = %v, encoding/json err = %v", line, err, jerr)
			continue
		}
		if err != nil {
			continue
		}
		if len(got) != len(want) {
			t.Errorf("%q: members %v, encoding/json %v", line, got, want)
		}
		for k, raw := range want {
			if got[k] != string(raw) {
				t.Errorf("%q: key %q: members %s, encoding/json %s", line, k, got[k], raw)
			}
			if len(raw) > 0 && raw[0] == '"' {
				var ws string
				_ = json.Unmarshal(raw, &ws)
				gs, err := decodeString([]byte(got[k]))
				if err != nil || string(gs) != ws {
					t.Errorf("%q: key %q decodes to %q, want %q (%v)", line, k, gs, ws, err)
				}
			}
		}
	}
}
