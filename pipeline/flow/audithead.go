package flow

import (
	"context"
	"fmt"

	"github.com/example/pipeline/pipeline/audit"
	"github.com/example/pipeline/pipeline/engine"
)

// recordAuditHead writes the audit log's head into run id's record: one of
// the anchors that let `pipeline audit verify` see entries deleted from
// the end of the log (pipeline/audit/anchor.go).
func recordAuditHead(ctx context.Context, db *engine.DB, id string) error {
	if err := audit.EnsureTable(ctx, db); err != nil {
		return err
	}
	h, err := audit.Tail(ctx, db)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, engine.MustRender("runs_audit_head", nil), h.Seq, h.Hash, id); err != nil {
		return fmt.Errorf("record the audit head in the run: %w", err)
	}
	return nil
}
