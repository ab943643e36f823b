package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The rules below keep a run from replacing or deleting what it must not
// touch. An export's folder is replaced as a whole by every run (the sink
// swaps a new folder in), so it must not overlap anything else the config
// names. See docs/security-paths.md.
//
// Comparisons are made on canonical paths: absolute, cleaned, with the
// symbolic links of the longest existing prefix resolved, so "..", "./"
// and links cannot hide an overlap. This is the only file system access of
// Parse besides the environment lookup (it stats path prefixes, nothing
// more).

// namedPath is one path a config names, with where it is written.
type namedPath struct {
	what  string // "the config's folder", `source "people" path`, ...
	path  string // canonical
	pos   Position
	isDir bool // a folder (its contents count as part of it)
}

// validatePaths reports export folders and a warehouse that overlap what
// they must not.
func (d *decoder) validatePaths(c *Config) {
	if c.Warehouse == "" || c.Warehouse == ":memory:" {
		return
	}
	cfgDir := canonical(c.Dir)
	wh := canonical(c.Warehouse)
	sources := c.sourcePaths()
	exports := c.exportDirs()
	for i, e := range exports {
		if msg := exportDirProblem(c, i, exports, sources, cfgDir, wh); msg != "" {
			d.at(e.pos, "%s", msg)
		}
	}
	for _, s := range sources {
		if wh == s.path || s.isDir && within(s.path, wh) {
			d.at(c.Pos("warehouse"), "warehouse %s %s; the warehouse is rewritten by every run and erasure: choose a path of its own such as state/warehouse.duckdb",
				wh, relation(wh, s.path, s.what))
		}
	}
	for _, e := range exports {
		if wh == e.path || within(e.path, wh) {
			d.at(c.Pos("warehouse"), "warehouse %s %s; an export's folder is replaced by every run: choose a path outside it such as state/warehouse.duckdb",
				wh, relation(wh, e.path, e.what))
		}
	}
}

// exportDirProblem returns the first rule exports[i] breaks ("" for none):
// one message per folder, the most telling first.
func exportDirProblem(c *Config, i int, exports, sources []namedPath, cfgDir, wh string) string {
	e := exports[i]
	// a folder holding the project or the warehouse's folder
	for _, h := range []struct{ what, path string }{{"the config's folder", cfgDir}, {"the warehouse's folder", filepath.Dir(wh)}} {
		if e.path == h.path || within(e.path, h.path) {
			return fmt.Sprintf("%s %s %s; a run replaces that folder as a whole, so it would delete what it holds: give the export a folder of its own such as exports/<name>",
				e.what, e.path, relation(e.path, h.path, h.what))
		}
	}
	others := append(c.warehouseFiles(wh), sources...)
	for j, o := range exports {
		// exports_dir holds the export folders (the default layout): only
		// equality is refused between it and a sink's dir
		if j == i || e.what == exportsDirWhat && within(e.path, o.path) || o.what == exportsDirWhat && within(o.path, e.path) {
			continue
		}
		others = append(others, o)
	}
	for _, o := range others {
		if overlap(e.path, o.path) {
			return fmt.Sprintf("%s %s %s; a run replaces that folder as a whole: give the export a folder of its own such as exports/<name>",
				e.what, e.path, relation(e.path, o.path, o.what))
		}
	}
	return ""
}

// warehouseFiles are the files and folders kept beside the warehouse
// (canonical path wh): its WAL, lock, raw Parquet files, run and erasure
// journals, and the engine's temp directory.
func (c *Config) warehouseFiles(wh string) []namedPath {
	pos := c.Pos("warehouse")
	out := []namedPath{{what: "the warehouse", path: wh, pos: pos}}
	for _, suffix := range []string{".wal", ".lock", ".raw", ".journal"} {
		out = append(out, namedPath{what: "the warehouse's " + suffix + " files", path: wh + suffix, pos: pos, isDir: true})
	}
	out = append(out, namedPath{what: "the erasure journals", path: filepath.Join(filepath.Dir(wh), "erasure"), pos: pos, isDir: true})
	if c.Engine.TempDirectory != "" {
		out = append(out, namedPath{what: "the temp directory (engine.temp_directory)", path: canonical(c.Engine.TempDirectory),
			pos: c.Pos("engine", "temp_directory"), isDir: true})
	}
	return out
}

const exportsDirWhat = "exports_dir"

// sourcePaths are the canonical path, dir and file options of the sources.
func (c *Config) sourcePaths() []namedPath {
	var out []namedPath
	for _, name := range c.SourceOrder {
		s := c.Sources[name]
		for _, k := range []string{"path", "dir", "file"} {
			v, ok := s.Options[k].(string)
			if !ok || v == "" || strings.Contains(v, "://") {
				continue
			}
			out = append(out, namedPath{
				what: `source "` + name + `" ` + k, path: canonical(globPrefix(v)),
				pos: c.Pos("sources", name, "options", k), isDir: k == "dir" || isDir(v) || v != globPrefix(v),
			})
		}
	}
	return out
}

// exportDirs are exports_dir and every sink's dir option, canonical.
func (c *Config) exportDirs() []namedPath {
	var out []namedPath
	if _, set := child(resolve(c.root), "exports_dir"); set != nil && c.ExportsDir != "" {
		out = append(out, namedPath{what: exportsDirWhat, path: canonical(c.ExportsDir), pos: c.Pos("exports_dir"), isDir: true})
	}
	for _, name := range c.ExportOrder {
		v, ok := c.Exports[name].Sink.Options["dir"].(string)
		if !ok || v == "" || strings.Contains(v, "://") {
			continue
		}
		out = append(out, namedPath{what: `export "` + name + `" sink dir`, path: canonical(v),
			pos: c.Pos("exports", name, "sink", "options", "dir"), isDir: true})
	}
	return out
}

// canonical returns p absolute and cleaned, with the symbolic links of its
// longest existing prefix resolved.
func canonical(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	rest := ""
	for cur := abs; ; {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return abs
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// globPrefix is the part of p before its first glob character's folder
// (p itself when it has none).
func globPrefix(p string) string {
	i := strings.IndexAny(p, "*?[{")
	if i < 0 {
		return p
	}
	return filepath.Dir(p[:i+1])
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// within reports whether p is strictly inside dir.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, "../") && !filepath.IsAbs(rel)
}

// overlap reports whether a and b are the same path or one holds the other.
func overlap(a, b string) bool { return a == b || within(a, b) || within(b, a) }

// relation says how p stands to other, named what: "is X (path)",
// "contains X (path)" or "is inside X (path)".
func relation(p, other, what string) string {
	switch {
	case p == other:
		return "is " + what + " (" + other + ")"
	case within(p, other):
		return "contains " + what + " (" + other + ")"
	default:
		return "is inside " + what + " (" + other + ")"
	}
}
