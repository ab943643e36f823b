package flow

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/csvread"
	"github.com/example/pipeline/pipeline/engine"
)

// screenedScan is the scan of a native CSV scan over one UTF-8 or
// Latin-1 file, through csvread (ok false for any other CSV scan: a glob,
// UTF-16). Its columns are the header's; DuckDB does not sniff it again.
func (rn *run) screenedScan(ctx context.Context, idx int, n *connectors.NativeScan, rejects bool) (*scanSQL, bool, error) {
	if len(n.Paths) != 1 || !csvread.Screenable(n.Params["encoding"]) {
		for _, p := range n.Paths {
			if err := csvread.CheckEncoding(p, n.Params["encoding"]); err != nil {
				return nil, true, err
			}
		}
		return nil, false, nil
	}
	if st, err := os.Stat(n.Paths[0]); err != nil || !st.Mode().IsRegular() {
		return nil, false, nil
	}
	// the sniff runs on a connection of its own: a failed sniff would
	// abort the run's transaction on c
	sc, err := rn.db.Conn(ctx)
	if err != nil {
		return nil, true, err
	}
	f, err := csvread.Prepare(ctx, sc, n.Paths[0], n.Params, rn.Config.Engine.TempDirectory)
	sc.Close()
	if err != nil {
		return nil, true, err
	}
	s := &scanSQL{Params: f.Params, CSV: f, csvPath: f.Path}
	s.Probe = f.Scan([2]string{})
	s.From = s.Probe
	if rejects {
		s.Rejects = [2]string{fmt.Sprintf("_rejects_%d", idx), fmt.Sprintf("_reject_scans_%d", idx)}
		s.From = f.Scan(s.Rejects)
	}
	if f.Normalised() {
		s.release = f.Close
	}
	rn.Log.Debug().Str("file", filepath.Base(f.Path)).Str("dialect", f.Dialect.String()).
		Int("screened_out", len(f.Bad)).Bool("normalised", f.Normalised()).Msg("csv prepared")
	return s, true, nil
}

// storeRejects moves a scan's rejected lines into the rejects table as
// one row per physical line: the screen's, then DuckDB's. A suppression
// list's raw lines are never stored (noRaw).
func (rn *run) storeRejects(ctx context.Context, c *sqlConn, name string, scan *scanSQL, noRaw bool) error {
	p := params{"run_id": rn.id, "source": name, "now": rn.started}
	if f := scan.CSV; f != nil && len(f.Bad) > 0 {
		lines, types, raws := make([]int64, len(f.Bad)), make([]string, len(f.Bad)), make([]string, len(f.Bad))
		for i, b := range f.Bad {
			lines[i], types[i], raws[i] = b.Line, b.Reason, b.Raw
		}
		p2 := params{"run_id": rn.id, "source": name, "now": rn.started, "file": f.Path, "lines": lines, "types": types, "raws": raws}
		if err := execScript(ctx, c, "stage_reject_lines", map[string]any{"NoRaw": noRaw}, p2); err != nil {
			return err
		}
	}
	if scan.Rejects[0] == "" {
		return nil
	}
	p["file"], p["names"] = nil, nil
	if f := scan.CSV; f != nil {
		p["names"] = f.Names
		if f.Normalised() {
			p["file"] = f.Path
		}
	}
	data := map[string]any{"Errors": scan.Rejects[0], "Scans": scan.Rejects[1], "NoRaw": noRaw}
	if err := execScript(ctx, c, "stage_rejects", data, p); err != nil {
		return err
	}
	return execScript(ctx, c, "stage_rejects_drop", data, nil)
}

// rejectSummary counts a source's rejected lines and describes the first
// few by file, line and error type (never content).
func (rn *run) rejectSummary(ctx context.Context, c *sqlConn, name string) (int64, string, error) {
	q, err := engine.Render("stage_reject_summary", nil)
	if err != nil {
		return 0, "", err
	}
	rows, err := c.QueryContext(ctx, q, params{"run_id": rn.id, "source": name}.Args()...)
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	var n int64
	var first []string
	for rows.Next() {
		var file, typ string
		var line int64
		if err := rows.Scan(&n, &file, &line, &typ); err != nil {
			return 0, "", err
		}
		first = append(first, fmt.Sprintf("%s line %d: %s", filepath.Base(file), line, strings.ToLower(typ)))
	}
	return n, strings.Join(first, "; "), rows.Err()
}

// rejectRateError is the error that stops a run when a source's share of
// rejected lines is above its limit (nil when it is not).
func (rn *run) rejectRateError(name string, src *config.Source, rejected, lines int64, first string) error {
	if rejected == 0 {
		return nil
	}
	limit := rn.Config.RejectLimit(src)
	rate := float64(rejected) / float64(max(lines, 1))
	if rate <= limit {
		return nil
	}
	see := fmt.Sprintf("see: pipeline query \"SELECT file, line, error_type FROM rejects WHERE run_id = '%s'\"", rn.id)
	if src.Role == config.RoleSuppression && src.MaxRejectRate == nil {
		return fmt.Errorf("%w: suppression list %q: %d of %d lines rejected (%s); a suppression list drops no line in silence: fix the file (%s), or set sources.%s.max_reject_rate to accept a share of rejected lines",
			ErrRejectRate, name, rejected, lines, first, see, name)
	}
	return fmt.Errorf("%w: source %q: %d of %d lines (%.1f%%) rejected, above max_reject_rate %.3g (%s); fix the file (%s) or raise the limit",
		ErrRejectRate, name, rejected, lines, 100*rate, limit, first, see)
}
