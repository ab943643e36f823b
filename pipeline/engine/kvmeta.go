package engine

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"unicode"
)

// KVMetadata renders Parquet key-value metadata for a COPY ... TO
// (FORMAT parquet, KV_METADATA <fragment>) statement: the fragment is a
// struct literal whose keys are quoted identifiers (Quote) and whose
// values are placeholders $<prefix>0, $<prefix>1, ... bound through the
// returned Params, in key order. No value is ever spliced into the SQL.
// A key holding a control character (a line break would end a statement
// for the script runner) is refused, as is an empty map.
func KVMetadata(kv map[string]string, prefix string) (string, Params, error) {
	if len(kv) == 0 {
		return "", nil, fmt.Errorf("kv metadata: nothing to write")
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		if k == "" {
			return "", nil, fmt.Errorf("kv metadata: empty key")
		}
		for _, r := range k {
			if unicode.IsControl(r) {
				return "", nil, fmt.Errorf("kv metadata: key %q holds a control character", k)
			}
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	p := Params{}
	frag := "{"
	for i, k := range keys {
		name := prefix + strconv.Itoa(i)
		if i > 0 {
			frag += ", "
		}
		frag += Quote(k) + ": $" + name
		p[name] = kv[k]
	}
	return frag + "}", p, nil
}

// FileKV reads a Parquet file's key-value metadata
// (sql/parquet_kv_read.sql), decoded as text. A file without any gives an
// empty map.
func FileKV(ctx context.Context, c *sql.Conn, path string) (map[string]string, error) {
	rows, err := c.QueryContext(ctx, MustRender("parquet_kv_read", nil), sql.Named("file", path))
	if err != nil {
		return nil, fmt.Errorf("%s: key-value metadata: %w", path, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}
