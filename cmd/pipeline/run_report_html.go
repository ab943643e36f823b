package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/flow"
	"github.com/example/pipeline/pipeline/runreport"
)

// writeRunPages writes the run's HTML page beside the warehouse
// (<warehouse>.reports/<run_id>.html, every run) and, when out is set,
// to out (run --report-html); both 0600. See docs/run-report.md.
func writeRunPages(cfg *config.Config, rep *flow.Report, out string) error {
	var errs []error
	if cfg.Warehouse != "" && rep.RunID != "" {
		p := filepath.Join(runreport.Dir(cfg.Warehouse), rep.RunID+".html")
		if err := runreport.Save(p, rep); err != nil {
			errs = append(errs, fmt.Errorf("state folder copy: %w", err))
		}
	}
	if out != "" {
		if err := runreport.Save(out, rep); err != nil {
			errs = append(errs, fmt.Errorf("--report-html %s: %w", out, err))
		}
	}
	return errors.Join(errs...)
}
