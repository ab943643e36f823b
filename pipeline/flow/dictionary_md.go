package flow

import (
	"fmt"
	"strings"
)

// DictionaryMarkdown renders Dictionary as docs/data-dictionary.md.
func DictionaryMarkdown() string {
	var b strings.Builder
	b.WriteString("# Data dictionary\n\n")
	b.WriteString("Generated from `pipeline/flow/dictionary.go` by `go test -tags=duckdb_arrow ./pipeline/flow -run DataDictionaryFile -update`; do not edit by hand.\n\n")
	b.WriteString("Every export describes its own columns the same way: in its `_manifest.json` (`columns`) and in each Parquet file's key-value metadata (`pipeline.columns`); see [exports.md](exports.md).\n")
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	for _, s := range Dictionary {
		fmt.Fprintf(&b, "\n## %s\n\n%s.\n\n", s.Dataset, strings.ToUpper(s.About[:1])+s.About[1:])
		b.WriteString("| column | meaning | from | derivation |\n|---|---|---|---|\n")
		for _, c := range s.Columns {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.Name, cell(c.Description), cell(c.From), cell(c.Derivation))
		}
	}
	return b.String()
}
