package flow

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/warehouse"
)

// ConsentStored are the columns of a consent source's raw table: the
// subject's key (hex SHA-256 of the normalised email: the email itself is
// never stored) and the consent record as received, plus provenance.
var ConsentStored = []string{"subject_key", "channel", "given_at", "wording", "withdrawn_at"}

// stageConsent stages a consent source (sql/stage_consent.sql) hashed like
// the suppression store: raw_<source> holds subject_key and the consent
// columns, never the email, nor any other column of the file (they are
// named in the report's note). Rows without a usable email (or sha256)
// count as rejected; rows of erased subjects are refused. Malformed lines
// are counted and quarantined without their raw text.
func (rn *run) stageConsent(ctx context.Context, c *sqlConn, name string, scan *scanSQL, cols []column) (StageRow, error) {
	data := map[string]any{"Scan": scan.From}
	have := map[string]string{}
	var dropped []string
	for _, col := range cols {
		switch {
		case col.Dst == "email":
			data["Email"] = col.Src
		case col.Dst == "sha256":
			data["SHA"] = col.Src
		case contains(ConsentColumns, col.Dst):
			have[col.Dst] = col.Src
		default:
			dropped = append(dropped, col.Dst)
		}
	}
	if data["Email"] == nil && data["SHA"] == nil {
		return StageRow{}, mapErrorf("consent source %q: needs an email column (or a sha256 column of hashed emails); map: {email: <column>}", name)
	}
	var keep []column
	for _, k := range ConsentStored[1:] {
		keep = append(keep, column{Src: have[k], Dst: k})
	}
	data["Keep"] = keep
	info := &sourceInfo{Name: name, Table: warehouse.RawTable(name), Staged: warehouse.Next(warehouse.RawTable(name)), Columns: ConsentStored}
	info.Layout = &warehouse.RawLayout{Table: info.Table, Dir: filepath.Join(warehouse.RawRoot(rn.Config.Warehouse), info.Table, rn.id), RunID: rn.id,
		Compression: rawCodec(rn.Config)}
	data["Compression"] = info.Layout.Compression
	rn.sources[name] = info
	if err := os.MkdirAll(info.Layout.Dir, 0o700); err != nil {
		return StageRow{}, fmt.Errorf("consent source %q: raw files: %w", name, err)
	}
	p := params{"source": name, "run_id": rn.id, "now": rn.started, "dir": filepath.Join(info.Layout.Dir, "part-0.parquet")}
	for k, v := range scan.Params {
		p[k] = v
	}
	if err := rn.exec(ctx, c, "stage_consent", data, p); err != nil {
		return StageRow{}, fmt.Errorf("consent source %q: %w", name, scan.fail(err))
	}
	var unusable, erased int64
	err := queryRow(ctx, c, "stage_consent_counts", nil, &unusable, &erased)
	if derr := execScript(ctx, c, "stage_consent_drop", nil, nil); err == nil {
		err = derr
	}
	if err != nil {
		return StageRow{}, fmt.Errorf("consent source %q: %w", name, err)
	}
	if err := warehouse.CreateRawView(ctx, c, info.Staged, info.Layout.Dir); err != nil {
		return StageRow{}, fmt.Errorf("consent source %q: %w", name, err)
	}
	out, err := countTable(ctx, c, info.Staged)
	if err != nil {
		return StageRow{}, err
	}
	var malformed int64
	if scan.Rejects[0] != "" || scan.CSV != nil {
		if err := rn.storeRejects(ctx, c, name, scan, true); err != nil {
			return StageRow{}, fmt.Errorf("consent source %q: rejects: %w", name, err)
		}
		if malformed, _, err = rn.rejectSummary(ctx, c, name); err != nil {
			return StageRow{}, fmt.Errorf("consent source %q: rejects: %w", name, err)
		}
	}
	row := StageRow{RowsIn: out + unusable + erased + malformed, RowsOut: out, Rejected: unusable + malformed, Suppressed: erased}
	var notes []string
	if unusable > 0 {
		notes = append(notes, fmt.Sprintf("%d records without a valid email not kept", unusable))
	}
	if erased > 0 {
		notes = append(notes, fmt.Sprintf("%d records of erased subjects refused", erased))
	}
	if len(dropped) > 0 {
		notes = append(notes, "columns not kept (consent records are stored hashed): "+strings.Join(dropped, ", "))
	}
	row.Note = strings.Join(notes, "; ")
	rn.Log.Info().Str("source", name).Int64("kept", out).Int64("unusable", unusable).Int64("refused", erased).Msg("consent records staged hashed")
	return row, nil
}

// isConsent reports whether a source holds consent records.
func isConsent(src *config.Source) bool { return src.Role == config.RoleConsent }
