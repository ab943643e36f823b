package flow

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/connect"
	"github.com/rs/zerolog"
)

// TestGateInRun: a run whose export asks for a column its campaign's
// channels do not need (phone, for an email campaign) fails at the gate
// and writes no export.
func TestGateInRun(t *testing.T) {
	cfg := fixtureConfig(t)
	ex := cfg.Exports["acme_q1"]
	ex.Columns = append(ex.Columns, "phone")
	rep, err := (&Runner{Config: cfg, Connectors: connect.InProcess{}, Log: zerolog.Nop()}).Run(context.Background(), Options{})
	var ge *GateError
	if !errors.As(err, &ge) || len(ge.Problems) != 1 || !strings.Contains(ge.Problems[0], `column "phone" is contact.phone`) {
		t.Fatalf("run: %v, want the gate to refuse the phone column", err)
	}
	if rep.Status != "failed" || len(rep.Exports) != 0 {
		t.Errorf("status %s, exports %+v", rep.Status, rep.Exports)
	}
	files, _ := filepath.Glob(filepath.Join(cfg.Dir, "exports", "acme_q1", "*", "*.parquet"))
	if _, err := os.Stat(filepath.Join(cfg.Dir, "exports", "acme_q1")); len(files) != 0 || !os.IsNotExist(err) {
		t.Errorf("the refused export was written: %v %v", files, err)
	}
}
