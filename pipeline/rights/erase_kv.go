package rights

import (
	"context"
	"database/sql"
	"maps"

	"github.com/example/pipeline/pipeline/engine"
)

// rewriteArgs are erase_rewrite.sql's data and parameters for one export
// file: the file's own key-value metadata (its description, campaign,
// run) is written into the rewritten file unchanged.
func rewriteArgs(ctx context.Context, c *sql.Conn, path, key, tmp string) (map[string]any, params, error) {
	p := params{"file": path, "key": key, "tmp": tmp}
	kv, err := engine.FileKV(ctx, c, path)
	if err != nil || len(kv) == 0 {
		return nil, p, err
	}
	frag, kp, err := engine.KVMetadata(kv, "kv_")
	if err != nil {
		return nil, nil, err
	}
	maps.Copy(p, kp)
	return map[string]any{"KV": frag}, p, nil
}
