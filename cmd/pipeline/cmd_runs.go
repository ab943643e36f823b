package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/warehouse"
)

// runRow is one run of `pipeline runs --format json`. Times are UTC;
// Finished, DurationMS and PID are null for a run still going (or one
// that never recorded them); RowsExported is null when the run reached
// no export step (failed, or --until before export) and 0 for a dry run.
type runRow struct {
	RunID        string     `json:"run_id"`
	Status       string     `json:"status"`
	Started      time.Time  `json:"started_at"`
	Finished     *time.Time `json:"finished_at"`
	DurationMS   *int64     `json:"duration_ms"`
	RowsExported *int64     `json:"rows_exported"`
	PID          *int64     `json:"pid"`
	Error        *string    `json:"error"`
}

// cmdRuns prints the run history, newest first. It takes the warehouse
// lock and settles runs whose process died first (warehouse.EnsureSchema), so
// a killed run shows as crashed, not running.
func cmdRuns(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("runs", stderr)
	limit := fs.IntP("n", "n", 20, "how many runs to show")
	format := fs.String("format", "table", "table|json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "json"); err != nil {
		return err
	}
	cfg, err := c.load()
	if err != nil {
		return err
	}
	w, err := warehouse.Open(ctx, cfg, warehouse.Privacy, "pipeline runs", stderr)
	if err != nil {
		return err
	}
	defer w.Close()
	runs, err := listRuns(ctx, w.DB.DB, *limit)
	if err != nil {
		return err
	}
	if *format == "json" {
		if runs == nil {
			runs = []runRow{}
		}
		b, err := json.MarshalIndent(runs, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, string(b))
		return err
	}
	return printRuns(stdout, runs)
}

// listRuns reads the latest limit runs (sql/runs_list.sql).
func listRuns(ctx context.Context, db *sql.DB, limit int) ([]runRow, error) {
	q, err := engine.Render("runs_list", nil)
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, q, engine.Params{"limit": limit}.Args()...)
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	defer rows.Close()
	var out []runRow
	for rows.Next() {
		var r runRow
		var fin sql.NullTime
		var dur, exported, pid sql.NullInt64
		var msg sql.NullString
		if err := rows.Scan(&r.RunID, &r.Status, &r.Started, &fin, &dur, &exported, &pid, &msg); err != nil {
			return nil, fmt.Errorf("read runs: %w", err)
		}
		r.Started = r.Started.UTC()
		if fin.Valid {
			t := fin.Time.UTC()
			r.Finished = &t
		}
		r.DurationMS, r.RowsExported, r.PID = nullInt(dur), nullInt(exported), nullInt(pid)
		if msg.Valid {
			r.Error = &msg.String
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func nullInt(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

// printRuns writes runs as a table; the first line of an error only.
func printRuns(w io.Writer, runs []runRow) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTATUS\tSTARTED\tDURATION\tEXPORTED\tPID\tERROR")
	for _, r := range runs {
		dur, exported, pid, msg := "", "", "", ""
		if r.DurationMS != nil {
			dur = (time.Duration(*r.DurationMS) * time.Millisecond).String()
		}
		if r.RowsExported != nil {
			exported = fmt.Sprint(*r.RowsExported)
		}
		if r.PID != nil {
			pid = fmt.Sprint(*r.PID)
		}
		if r.Error != nil {
			msg = *r.Error
			if i := strings.IndexByte(msg, '\n'); i >= 0 {
				msg = msg[:i] + " …"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.RunID, r.Status, r.Started.Format(time.RFC3339), dur, exported, pid, msg)
	}
	return tw.Flush()
}
