package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Position is a 1-based line and column in the config file.
type Position struct{ Line, Col int }

// Diagnostic is one config problem at a position. It never holds the
// expanded value of a ${VAR}.
type Diagnostic struct {
	File      string // as given to Load or Parse
	Line, Col int
	Msg       string
}

// Error formats d as "file:line:col: msg".
func (d Diagnostic) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Line, d.Col, d.Msg)
}

// Diagnostics is every problem found in a config; it is the error Load and
// Parse return for config problems (use errors.As to get it).
type Diagnostics []Diagnostic

// Error formats one diagnostic per line, sorted by position.
func (ds Diagnostics) Error() string {
	var b strings.Builder
	for i, d := range ds.sorted() {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
	}
	return b.String()
}

// Pos returns the position of the value at a key path, for example
// Pos("exports", "acme_q1", "columns", "3") (list indexes as strings) or
// Pos("targeting", "companies"). A path that does not exist falls back to the
// nearest existing parent; {1, 1} if there is nothing.
func (c *Config) Pos(path ...string) Position {
	_, val := c.lookup(path)
	return nodePos(val)
}

// KeyPos is like Pos but returns the position of the key itself (for a list
// item, the item). It falls back the same way.
func (c *Config) KeyPos(path ...string) Position {
	key, _ := c.lookup(path)
	return nodePos(key)
}

// Diag builds a Diagnostic at pos in this config's file (as given to Load),
// for problems found outside this package (unknown columns, categories).
func (c *Config) Diag(pos Position, format string, args ...any) Diagnostic {
	file := c.display
	if file == "" {
		file = c.File
	}
	if pos.Line < 1 {
		pos = Position{1, 1}
	}
	return Diagnostic{File: file, Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf(format, args...)}
}

// lookup walks path from the root and returns the key and value nodes of the
// deepest component found.
func (c *Config) lookup(path []string) (key, val *yaml.Node) {
	if c == nil || c.root == nil {
		return nil, nil
	}
	val = resolve(c.root)
	key = val
	for _, p := range path {
		k, v := child(val, p)
		if v == nil {
			break
		}
		key, val = k, resolve(v)
	}
	return key, val
}

// child returns the key and value of name in a mapping, or the item at
// index name in a sequence.
func child(n *yaml.Node, name string) (key, val *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == name {
				return n.Content[i], n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		i, err := strconv.Atoi(name)
		if err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i], n.Content[i]
		}
	}
	return nil, nil
}

func nodePos(n *yaml.Node) Position {
	if n == nil || n.Line < 1 {
		return Position{1, 1}
	}
	return Position{n.Line, n.Column}
}

var yamlLineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// parseYAML decodes exactly one YAML document and returns its top-level node.
func parseYAML(file string, data []byte) (*yaml.Node, Diagnostics) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Diagnostics{{File: file, Line: 1, Col: 1, Msg: "config is empty"}}
		}
		return nil, Diagnostics{syntaxDiag(file, err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		p := nodePos(&extra)
		if len(extra.Content) > 0 {
			p = nodePos(extra.Content[0])
		}
		return nil, Diagnostics{{File: file, Line: p.Line, Col: p.Col, Msg: "only one YAML document is allowed"}}
	} else if !errors.Is(err, io.EOF) {
		return nil, Diagnostics{syntaxDiag(file, err)}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, Diagnostics{{File: file, Line: 1, Col: 1, Msg: "config is empty"}}
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		p := nodePos(root)
		return nil, Diagnostics{{File: file, Line: p.Line, Col: p.Col, Msg: "the config must be a mapping of keys (version, name, sources, ...), not " + describe(root)}}
	}
	return root, nil
}

func syntaxDiag(file string, err error) Diagnostic {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	m := yamlLineRE.FindStringSubmatch(msg)
	if m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if isParserError(msg) {
		// yaml.v3 reports parser (not scanner) errors with 0-based lines,
		// and leaves the line out when it is 0.
		if m == nil {
			line = 0
		}
		line++
	}
	return Diagnostic{File: file, Line: line, Col: 1, Msg: "invalid YAML: " + msg}
}

// isParserError reports whether a yaml.v3 message comes from its parser,
// whose line numbers are 0-based (see gopkg.in/yaml.v3 parser.fail).
func isParserError(msg string) bool {
	for _, p := range []string{"did not find expected", "found duplicate %", "found incompatible YAML", "found undefined tag handle"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
