package exportfiles

import (
	"context"
	"database/sql"
	"maps"

	"github.com/example/pipeline/pipeline/engine"
)

// rewriteArgs are erase_rewrite.sql's data and parameters for one export
// file (KeepKV).
func rewriteArgs(ctx context.Context, c *sql.Conn, path, key, tmp string) (map[string]any, engine.Params, error) {
	p := engine.Params{"file": path, "key": key, "tmp": tmp}
	data, err := KeepKV(ctx, c, path, p)
	return data, p, err
}

// KeepKV reads the export file's own key-value metadata (its description,
// campaign, run) so that a rewrite of the file writes it unchanged: it
// adds the values to p as $kv_N and returns the template data ({{kv .KV}},
// an engine.KV of keys and placeholders; nil when the file has none).
func KeepKV(ctx context.Context, c *sql.Conn, path string, p engine.Params) (map[string]any, error) {
	kv, err := engine.FileKV(ctx, c, path)
	if err != nil || len(kv) == 0 {
		return nil, err
	}
	pairs, kp, err := engine.KVPairs(kv, "kv_")
	if err != nil {
		return nil, err
	}
	maps.Copy(p, kp)
	return map[string]any{"KV": pairs}, nil
}
