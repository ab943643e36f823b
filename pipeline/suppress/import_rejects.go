package suppress

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/csvread"
	"github.com/example/pipeline/pipeline/engine"
)

// ErrRejected means a list file had malformed lines and the import was
// refused: a dropped unsubscribe is a breach.
var ErrRejected = errors.New("suppress: list lines rejected")

// importRejects stores the import's rejected lines in the rejects table
// (run_id "import", raw_line NULL: the list's values are never stored in
// clear) and counts them, as the run's stage does (sql/stage_reject_*.sql).
func importRejects(ctx context.Context, tx *sql.Tx, r ImportRequest, f *csvread.File, now time.Time) (int64, error) {
	base := engine.Params{"run_id": "import", "source": r.Source, "now": now}
	if len(f.Bad) > 0 {
		lines, types, raws := make([]int64, len(f.Bad)), make([]string, len(f.Bad)), make([]string, len(f.Bad))
		for i, b := range f.Bad {
			lines[i], types[i] = b.Line, b.Reason
		}
		p := engine.Params{"run_id": "import", "source": r.Source, "now": now, "file": f.Path, "lines": lines, "types": types, "raws": raws}
		if err := execTx(ctx, tx, "stage_reject_lines", map[string]any{"NoRaw": true}, p); err != nil {
			return 0, err
		}
	}
	p := engine.Params{"run_id": "import", "source": r.Source, "now": now, "file": nil, "names": f.Names}
	if f.Normalised() {
		p["file"] = f.Path
	}
	data := map[string]any{"Errors": "_import_rejects", "Scans": "_import_reject_scans", "NoRaw": true}
	if err := execTx(ctx, tx, "stage_rejects", data, p); err != nil {
		return 0, err
	}
	if err := execTx(ctx, tx, "stage_rejects_drop", data, nil); err != nil {
		return 0, err
	}
	q, err := engine.Render("stage_reject_summary", nil)
	if err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, q, base.Args()...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	var first []string
	for rows.Next() {
		var file, typ string
		var line int64
		if err := rows.Scan(&n, &file, &line, &typ); err != nil {
			return 0, err
		}
		first = append(first, fmt.Sprintf("%s line %d: %s", filepath.Base(file), line, strings.ToLower(typ)))
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if n > 0 && (r.MaxRejectRate == nil) {
		return n, fmt.Errorf("%w: %s: %d lines rejected (%s); nothing imported: fix the file, or pass --max-reject-rate to accept a share of rejected lines",
			ErrRejected, filepath.Base(r.Path), n, strings.Join(first, "; "))
	}
	return n, nil
}

// rejectLimit refuses an import whose share of rejected lines is above
// the request's MaxRejectRate.
func rejectLimit(r ImportRequest, rejected, lines int64) error {
	if rejected == 0 || r.MaxRejectRate == nil {
		return nil
	}
	if rate := float64(rejected) / float64(max(lines, 1)); rate > *r.MaxRejectRate {
		return fmt.Errorf("%w: %s: %d of %d lines rejected (%.1f%%), above --max-reject-rate %.3g; nothing imported",
			ErrRejected, filepath.Base(r.Path), rejected, lines, 100*rate, *r.MaxRejectRate)
	}
	return nil
}

// execTx renders an embedded script and runs its statements in tx.
func execTx(ctx context.Context, tx *sql.Tx, name string, data any, p engine.Params) error {
	script, err := engine.Render(name, data)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, script, p.Args()...); err != nil {
		return fmt.Errorf("%s.sql: %w", name, err)
	}
	return nil
}
