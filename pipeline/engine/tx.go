package engine

import (
	"context"
	"database/sql"
)

// InTx runs fn inside one transaction on c: BEGIN TRANSACTION, fn, COMMIT.
// If fn or the commit fails, the transaction is rolled back (even when ctx
// is cancelled; the rollback's own error is ignored, since a failed
// COMMIT may have ended the transaction already) and fn's or the commit's
// error is returned. fn must run its statements on c.
func InTx(ctx context.Context, c *sql.Conn, fn func() error) error {
	if _, err := c.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	err := fn()
	if err == nil {
		if _, err = c.ExecContext(ctx, "COMMIT"); err == nil {
			return nil
		}
	}
	_, _ = c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	return err
}
