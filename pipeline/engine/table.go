package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// Table names a table for a template ({{table .X}}): Name, in the
// attached database Catalog when that is set. Both are the pipeline's
// own names, quoted when rendered.
type Table struct{ Catalog, Name string }

// SQL is the table's quoted, qualified name.
func (t Table) SQL() string {
	if t.Catalog == "" {
		return Quote(t.Name)
	}
	return Quote(t.Catalog) + "." + Quote(t.Name)
}

// codecs are the Parquet codecs a template may name ({{codec .X}}).
var codecs = map[string]bool{"uncompressed": true, "zstd": true, "snappy": true, "gzip": true}

// codec renders a Parquet codec name, refusing any other word.
func codec(name string) (string, error) {
	if !codecs[name] {
		return "", fmt.Errorf("not a Parquet codec: %q", name)
	}
	return name, nil
}

// ints renders integers as a comma-separated list ({{ints .X}}), for an
// IN (...) of row ids; an empty list is refused (IN () is not SQL).
func ints(v []int64) (string, error) {
	if len(v) == 0 {
		return "", fmt.Errorf("ints: empty list")
	}
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(s, ", "), nil
}
