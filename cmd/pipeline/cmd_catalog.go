package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/example/pipeline/pipeline/engine"
	"github.com/example/pipeline/pipeline/flow"
)

// catalogColumn is one row of `pipeline catalog --format json` (DESIGN.md).
type catalogColumn struct {
	Dataset    string  `json:"dataset"`
	Column     string  `json:"column"`
	Category   string  `json:"category"`
	Personal   bool    `json:"personal"`
	Confidence float64 `json:"confidence"`
	Method     string  `json:"method"`
	Evidence   string  `json:"evidence"`
}

func openReadOnly(ctx context.Context, c *common, stderr io.Writer) (*engine.DB, func(), error) {
	cfg, err := c.load()
	if err != nil {
		return nil, nil, err
	}
	// Wait (visibly) while a run holds the warehouse rather than fail.
	lk, err := flow.WaitLock(ctx, cfg.Warehouse, "pipeline (read)", stderr)
	if err != nil {
		return nil, nil, err
	}
	db, err := engine.Open(ctx, engine.Settings{Path: cfg.Warehouse, ReadOnly: true, Threads: cfg.Engine.Threads,
		MemoryLimit: cfg.Engine.MemoryLimit, TempDirectory: cfg.Engine.TempDirectory})
	if err != nil {
		lk.Unlock()
		return nil, nil, err
	}
	return db, func() { db.Close(); lk.Unlock() }, nil
}

func cmdCatalog(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("catalog", stderr)
	format := fs.String("format", "table", "table|json")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, done, err := openReadOnly(ctx, c, stderr)
	if err != nil {
		return err
	}
	defer done()
	rows, err := db.QueryContext(ctx, `SELECT dataset, "column", category, personal, confidence, method, coalesce(evidence, '') FROM catalog ORDER BY dataset, rowid`)
	if err != nil {
		return fmt.Errorf("read catalog (has a run completed?): %w", err)
	}
	defer rows.Close()
	var cols []catalogColumn
	for rows.Next() {
		var cc catalogColumn
		var conf sql.NullFloat64
		if err := rows.Scan(&cc.Dataset, &cc.Column, &cc.Category, &cc.Personal, &conf, &cc.Method, &cc.Evidence); err != nil {
			return err
		}
		cc.Confidence = conf.Float64
		cols = append(cols, cc)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	switch *format {
	case "json":
		b, _ := json.MarshalIndent(map[string]any{"columns": cols}, "", "  ")
		fmt.Fprintln(stdout, string(b))
	case "table":
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "dataset\tcolumn\tcategory\tpersonal\tconfidence\tmethod\tevidence")
		for _, cc := range cols {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%.2f\t%s\t%s\n", cc.Dataset, cc.Column, cc.Category, cc.Personal, cc.Confidence, cc.Method, cc.Evidence)
		}
		tw.Flush()
	default:
		return usagef("--format %q: want table or json", *format)
	}
	return nil
}

func cmdQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, c := newFlags("query", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("query takes one SQL string")
	}
	db, done, err := openReadOnly(ctx, c, stderr)
	if err != nil {
		return err
	}
	defer done()
	rows, err := db.QueryContext(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	defer rows.Close()
	names, _ := rows.Columns()
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	for i, n := range names {
		if i > 0 {
			fmt.Fprint(tw, "\t")
		}
		fmt.Fprint(tw, n)
	}
	fmt.Fprintln(tw)
	vals := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			if i > 0 {
				fmt.Fprint(tw, "\t")
			}
			if v == nil {
				fmt.Fprint(tw, "NULL")
			} else {
				fmt.Fprint(tw, v)
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	return rows.Err()
}
