package flow

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"github.com/example/pipeline/pipeline/engine"
)

// params are named SQL parameters ($name in the .sql files).
type params = engine.Params

// execScript runs an embedded template (engine.ExecScript).
func execScript(ctx context.Context, c *sql.Conn, name string, data any, p params) error {
	return engine.ExecScript(ctx, c, name, data, p)
}

func count(ctx context.Context, c *sql.Conn, q string, args ...any) (int64, error) {
	var n int64
	err := c.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

func countTable(ctx context.Context, c *sql.Conn, table string) (int64, error) {
	return count(ctx, c, engine.MustRender("count_table", table))
}

// columns returns the column names of a scan (a table, a source's read)
// without reading rows.
func columns(ctx context.Context, c *sql.Conn, from engine.Scan, args ...any) ([]string, error) {
	q, err := engine.Render("query_columns", from)
	if err != nil {
		return nil, err
	}
	rows, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return rows.Columns()
}

func renderPlain(name string) (string, error) { return engine.Render(name, nil) }

// PlanStep is one SQL statement of a run, as `pipeline validate` prints it.
type PlanStep struct {
	Stage, Template, SQL string
}

// recorder collects the statements of a plan: Validate puts it in the
// context the stages run with, and the recording executor (executor.rec)
// sets the stage running.
type recorder struct {
	mu    sync.Mutex
	stage string
	steps []PlanStep
}

type recorderKey struct{}

func withRecorder(ctx context.Context, r *recorder) context.Context {
	return context.WithValue(ctx, recorderKey{}, r)
}

func recorderOf(ctx context.Context) *recorder {
	r, _ := ctx.Value(recorderKey{}).(*recorder)
	return r
}

// record adds a rendered statement of template name to the plan ctx
// records, if any.
func record(ctx context.Context, name, script string) {
	if r := recorderOf(ctx); r != nil {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.steps = append(r.steps, PlanStep{Stage: r.stage, Template: name + ".sql", SQL: strings.TrimSpace(script)})
	}
}

// execFixed runs the fixed statement sql/<name>.sql with positional
// args; under a recording executor it is recorded, once for a run of
// calls in a row (one per rule of a lookup table).
func execFixed(ctx context.Context, c *sql.Conn, name string, args ...any) error {
	q := engine.SQL(name)
	if r := recorderOf(ctx); r != nil {
		r.mu.Lock()
		again := len(r.steps) > 0 && r.steps[len(r.steps)-1].Template == name+".sql"
		r.mu.Unlock()
		if !again {
			record(ctx, name, q)
		}
	}
	_, err := c.ExecContext(ctx, q, args...)
	return err
}

// exec runs an embedded template on the run's connection; under a
// recording executor the rendered statement is recorded first.
func (rn *run) exec(ctx context.Context, c *sql.Conn, name string, data any, p params) error {
	if recorderOf(ctx) != nil {
		script, err := engine.Render(name, data)
		if err != nil {
			return err
		}
		record(ctx, name, script)
	}
	rn.track(ctx, c)
	t0 := time.Now()
	err := execScript(ctx, c, name, data, p)
	// (not the error's text: DuckDB's CSV errors quote lines of the file;
	// the caller returns the error, reworded where it has to be)
	rn.Log.Debug().Str("stage", rn.stageName).Str("sql", name+".sql").Dur("took_ms", time.Since(t0)).Bool("failed", err != nil).Msg("sql")
	return err
}
