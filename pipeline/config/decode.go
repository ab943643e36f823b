package config

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// decoder walks the yaml.Node tree against the config's shape, filling the
// Config and collecting diagnostics.
type decoder struct {
	file   string // as given, for diagnostics
	dir    string // absolute folder of the config, for relative paths
	getenv func(string) (string, bool)
	diags  Diagnostics
	warns  Diagnostics // problems that do not stop a run
	// deferPredicate: the targeting predicate is recorded in pending, not
	// checked (LoadDeferred)
	deferPredicate bool
	pending        *pendingPredicate
}

// pair is one mapping entry; both nodes are nil when the key is absent.
type pair struct{ key, val *yaml.Node }

func (p pair) present() bool { return p.key != nil }

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	p := nodePos(n)
	d.diags = append(d.diags, Diagnostic{File: d.file, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)})
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// describe names a node's type for messages.
func describe(n *yaml.Node) string {
	n = resolve(n)
	switch {
	case n == nil:
		return "empty"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!str":
		return "a string"
	case "!!int":
		return "an integer"
	case "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!null":
		return "empty"
	case "!!timestamp":
		return "a timestamp"
	}
	return "a scalar"
}

func (d *decoder) typeErr(n *yaml.Node, where, want string) {
	d.errorf(n, "%s must be %s, not %s", where, want, describe(n))
}

// in says where a key lives, for messages.
func in(where string) string {
	if where == "" {
		return "at the top level"
	}
	return "in " + where
}

func join(where, key string) string {
	if where == "" {
		return key
	}
	return where + "." + key
}

// entries returns the entries of a mapping in file order, reporting
// duplicate and non-scalar keys. A null node is an empty mapping.
func (d *decoder) entries(n *yaml.Node, where string) []pair {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.typeErr(n, where, "a mapping")
		return nil
	}
	var out []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "keys %s must be strings, not %s", in(where), describe(k))
			continue
		}
		if k.Tag == "!!merge" {
			d.errorf(k, "merge keys (<<) are not supported %s", in(where))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errorf(k, "duplicate key %q %s (first at line %d)", k.Value, in(where), first.Line)
			continue
		}
		seen[k.Value] = k
		out = append(out, pair{k, v})
	}
	return out
}

// fields checks that n is a mapping with only allowed keys and returns its
// entries by key.
func (d *decoder) fields(n *yaml.Node, where string, allowed ...string) map[string]pair {
	out := map[string]pair{}
	for _, e := range d.entries(n, where) {
		if !slices.Contains(allowed, e.key.Value) {
			d.errorf(e.key, "unknown key %q %s (allowed: %s)", e.key.Value, in(where), strings.Join(allowed, ", "))
			continue
		}
		out[e.key.Value] = e
	}
	return out
}

// str returns a scalar's text ("" when absent or null).
func (d *decoder) str(p pair, where string) string {
	n := resolve(p.val)
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.typeErr(n, where, "a string")
		return ""
	}
	return n.Value
}

// required returns the string at key, reporting it missing (at parent, the
// key of the enclosing mapping) or empty.
func (d *decoder) required(f map[string]pair, where, key string, parent *yaml.Node) string {
	p, ok := f[key]
	if !ok {
		d.errorf(parent, "missing required key %q %s", key, in(where))
		return ""
	}
	s := strings.TrimSpace(d.str(p, join(where, key)))
	if s == "" && (isNull(p.val) || resolve(p.val).Kind == yaml.ScalarNode) {
		d.errorf(valOrKey(p), "%s must not be empty", join(where, key))
	}
	return s
}

// valOrKey is where to point for a value problem: the value, or the key when
// the value is null (a null has the key's line but an odd column).
func valOrKey(p pair) *yaml.Node {
	if p.val == nil || (p.val.Kind == yaml.ScalarNode && p.val.ShortTag() == "!!null" && p.val.Value == "") {
		return p.key
	}
	return p.val
}

// integer decodes an integer; ok is false when absent, null or wrong.
func (d *decoder) integer(p pair, where string) (v int, ok bool) {
	n := resolve(p.val)
	if isNull(n) {
		return 0, false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		d.typeErr(n, where, "an integer")
		return 0, false
	}
	return v, true
}

// number decodes an integer or float; ok is false when absent, null or wrong.
func (d *decoder) number(p pair, where string) (v float64, ok bool) {
	n := resolve(p.val)
	if isNull(n) {
		return 0, false
	}
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") || n.Decode(&v) != nil {
		d.typeErr(n, where, "a number")
		return 0, false
	}
	return v, true
}

// boolean decodes true/false.
func (d *decoder) boolean(p pair, where string) bool {
	n := resolve(p.val)
	if isNull(n) {
		return false
	}
	var v bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&v) != nil {
		d.typeErr(n, where, "true or false")
		return false
	}
	return v
}

// strList decodes a list of strings, returning the item nodes alongside.
func (d *decoder) strList(p pair, where string) ([]string, []*yaml.Node) {
	n := resolve(p.val)
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		d.typeErr(n, where, "a list")
		return nil, nil
	}
	var out []string
	var nodes []*yaml.Node
	for i, item := range n.Content {
		it := resolve(item)
		if it.Kind != yaml.ScalarNode || isNull(it) {
			d.typeErr(item, fmt.Sprintf("%s[%d]", where, i), "a string")
			continue
		}
		out = append(out, strings.TrimSpace(it.Value))
		nodes = append(nodes, item)
	}
	return out, nodes
}

// stringMap decodes a free map of strings to strings (map:, classification.pin).
func (d *decoder) stringMap(p pair, where string) (map[string]string, []pair) {
	out := map[string]string{}
	es := d.entries(p.val, where)
	var ok []pair
	for _, e := range es {
		v := d.str(e, join(where, e.key.Value))
		if strings.TrimSpace(v) == "" {
			if isNull(e.val) || resolve(e.val).Kind == yaml.ScalarNode {
				d.errorf(valOrKey(e), "%s must not be empty", join(where, e.key.Value))
			}
			continue
		}
		out[e.key.Value] = strings.TrimSpace(v)
		ok = append(ok, e)
	}
	return out, ok
}

// options decodes a connector's free options map twice: as written, and with
// ${VAR} expanded in string leaves and relative top-level path/dir/file values
// resolved against the config folder.
func (d *decoder) options(p pair, where string) (raw, expanded map[string]any) {
	raw, expanded = map[string]any{}, map[string]any{}
	for _, e := range d.entries(p.val, where) {
		k := e.key.Value
		r, v := d.value(e.val, join(where, k))
		if s, ok := v.(string); ok && isPathKey(k) {
			v = d.resolvePath(s)
		}
		raw[k], expanded[k] = r, v
	}
	return raw, expanded
}

func isPathKey(k string) bool { return k == "path" || k == "dir" || k == "file" }

// resolvePath makes a relative file path absolute against the config folder.
// Empty values, URLs and DuckDB's :memory: are left alone.
func (d *decoder) resolvePath(s string) string {
	if s == "" || s == ":memory:" || strings.Contains(s, "://") || filepath.IsAbs(s) {
		return s
	}
	return filepath.Join(d.dir, s)
}

// value converts a node to plain Go values (map[string]any, []any, string,
// int, float64, bool, nil), once as written and once with ${VAR} expanded in
// strings.
func (d *decoder) value(n *yaml.Node, where string) (raw, expanded any) {
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		rm, em := map[string]any{}, map[string]any{}
		for _, e := range d.entries(n, where) {
			rm[e.key.Value], em[e.key.Value] = d.value(e.val, join(where, e.key.Value))
		}
		return rm, em
	case yaml.SequenceNode:
		rs, es := make([]any, 0, len(n.Content)), make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			r, e := d.value(item, fmt.Sprintf("%s[%d]", where, i))
			rs, es = append(rs, r), append(es, e)
		}
		return rs, es
	}
	switch n.ShortTag() {
	case "!!str":
		return n.Value, d.expand(n, where)
	case "!!null":
		return nil, nil
	case "!!timestamp", "!!binary":
		return n.Value, n.Value
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return n.Value, n.Value
	}
	return v, v
}

// expand expands ${VAR} in a string node, reporting problems by key and
// variable name only, never by value.
func (d *decoder) expand(n *yaml.Node, where string) string {
	out, problems := expandEnv(n.Value, d.getenv)
	for _, p := range problems {
		d.errorf(n, "%s: %s", where, p)
	}
	return out
}
