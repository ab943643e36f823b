package engine

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"unicode"
)

// KV is Parquet key-value metadata as a template renders it ({{kv .X}}:
// a struct literal of quoted keys and placeholders, for COPY ... TO
// (FORMAT parquet, KV_METADATA ...)); build it with KVPairs.
type KV []KVEntry

// KVEntry is one key and the parameter its value is bound to.
type KVEntry struct{ Key, Param string }

// SQL is the struct literal: {"key": $param, ...}.
func (kv KV) SQL() string {
	frag := "{"
	for i, e := range kv {
		if i > 0 {
			frag += ", "
		}
		frag += Quote(e.Key) + ": $" + e.Param
	}
	return frag + "}"
}

// KVPairs is kv as a template's KV: its keys in order, each value bound
// as $<prefix>0, $<prefix>1, ... through the returned Params. No value is
// ever spliced into the SQL. A key holding a control character (a line
// break would end a statement for the script runner) is refused, as is
// an empty map.
func KVPairs(kv map[string]string, prefix string) (KV, Params, error) {
	if len(kv) == 0 {
		return nil, nil, fmt.Errorf("kv metadata: nothing to write")
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		if k == "" {
			return nil, nil, fmt.Errorf("kv metadata: empty key")
		}
		for _, r := range k {
			if unicode.IsControl(r) {
				return nil, nil, fmt.Errorf("kv metadata: key %q holds a control character", k)
			}
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	p := Params{}
	out := make(KV, len(keys))
	for i, k := range keys {
		name := prefix + strconv.Itoa(i)
		out[i] = KVEntry{Key: k, Param: name}
		p[name] = kv[k]
	}
	return out, p, nil
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
