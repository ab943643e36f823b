package flow

import (
	"context"
	"fmt"
	"time"

	"github.com/example/pipeline/pipeline/config"
)

// DefaultPhoneCountry is the region assumed for phone numbers in national
// form on suppression lists: TPS and CTPS are UK registers. A list may set
// another with a `country` column holding ISO codes per row in a later
// version; today the default is GB.
const DefaultPhoneCountry = "GB"

// syncSuppression syncs one suppression list into the store. Emails and
// phones are normalised and hashed inside the scan: the raw values never
// reach a table.
func (rn *run) syncSuppression(ctx context.Context, c *sqlConn, idx int, name string, src *config.Source) (StageRow, error) {
	scan, closeFn, err := rn.openScan(ctx, c, idx, name, src, false)
	if err != nil {
		return StageRow{}, err
	}
	defer closeFn()
	cols, err := rn.scanColumns(ctx, c, name, scan)
	if err != nil {
		return StageRow{}, fmt.Errorf("suppression list %q: read columns: %w", name, err)
	}
	valueCol := src.Kind
	if v := stringOption(src.RawOptions, "column"); v != "" {
		valueCol = v
	}
	if m, ok := src.Map[src.Kind]; ok {
		valueCol = m
	}
	data := map[string]any{"Scan": scan.From}
	if contains(cols, valueCol) {
		data["Value"] = valueCol
	}
	if contains(cols, "sha256") {
		data["SHA"] = "sha256"
	}
	if data["Value"] == nil && data["SHA"] == nil {
		return StageRow{}, fmt.Errorf("suppression list %q: needs a %q column or a \"sha256\" column (it has: %v)", name, valueCol, cols)
	}
	if src.Kind == "domain" && data["Value"] == nil {
		return StageRow{}, fmt.Errorf("suppression list %q: domain lists are kept in clear and need a %q column", name, valueCol)
	}
	p := params{"kind": src.Kind, "reason": src.Reason, "source": name, "now": rn.started, "phone_country": DefaultPhoneCountry}
	for k, v := range scan.Params {
		p[k] = v
	}
	if err := rn.exec(ctx, c, "suppress_sync", data, p); err != nil {
		return StageRow{}, fmt.Errorf("suppression list %q: %w", name, err)
	}
	in, err := countTable(ctx, c, "supp_in")
	if err != nil {
		return StageRow{}, err
	}
	unusable, err := count(ctx, c, "SELECT count(*) FROM supp_in WHERE hash IS NULL")
	if err != nil {
		return StageRow{}, err
	}
	if err := rn.exec(ctx, c, "suppress_merge", nil, p); err != nil {
		return StageRow{}, fmt.Errorf("suppression list %q: %w", name, err)
	}
	out, err := count(ctx, c, "SELECT count(*) FROM suppression WHERE source = $1", name)
	if err != nil {
		return StageRow{}, err
	}
	if _, err := c.ExecContext(ctx, "DROP TABLE supp_in"); err != nil {
		return StageRow{}, err
	}
	row := StageRow{RowsIn: in, RowsOut: out, Rejected: unusable}
	if unusable > 0 {
		row.Note = fmt.Sprintf("%d entries not usable as a %s (not stored)", unusable, src.Kind)
	}
	return row, nil
}

func stringOption(m map[string]any, key string) string {
	if s, ok := m[key].(string); ok {
		return s
	}
	return ""
}

// suppress screens prospects into deliverable.
func (rn *run) suppress(ctx context.Context, c *sqlConn) error {
	t0 := time.Now()
	if err := rn.exec(ctx, c, "suppress_deliverable", nil, params{"now": rn.started}); err != nil {
		return err
	}
	in, err := countTable(ctx, c, "prospects")
	if err != nil {
		return err
	}
	out, err := countTable(ctx, c, "deliverable")
	if err != nil {
		return err
	}
	phones, err := count(ctx, c, "SELECT count(DISTINCT subject_key) FROM supp_hits WHERE kind = 'phone'")
	if err != nil {
		return err
	}
	q, err := renderPlain("suppress_counts")
	if err != nil {
		return err
	}
	rows, err := c.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s SuppressionCount
		if err := rows.Scan(&s.List, &s.Kind, &s.Reason, &s.People); err != nil {
			return err
		}
		rn.report.Suppression = append(rn.report.Suppression, s)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	row := StageRow{Stage: StageSuppress, Step: "deliverable", RowsIn: in, RowsOut: out, Suppressed: in - out, Duration: time.Since(t0)}
	if phones > 0 {
		row.Note = fmt.Sprintf("%d phone numbers removed (phone lists)", phones)
	}
	rn.report.add(row)
	rn.progress("suppress: %d of %d prospects deliverable", out, in)
	return nil
}
