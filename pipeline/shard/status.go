package shard

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/example/pipeline/pipeline/durable"
)

// Shard states in a status file.
const (
	StatusRunning   = "running"
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
)

// Status is what one shard records about its part of a sharded run (no
// personal data: names, counts, ids). A shard writes "running" before it
// starts and "succeeded" or "failed" when it ends; a shard whose process
// died stays "running", which the commit refuses like a failure.
type Status struct {
	RunID  string `json:"run_id"`
	Shard  int    `json:"shard"`
	Shards int    `json:"shards"`
	Status string `json:"status"`
	// ShardRunID is the run id in the shard's own warehouse (pipeline runs).
	ShardRunID string    `json:"shard_run_id,omitempty"`
	Updated    time.Time `json:"updated_at"`
	// Exports are the rows each export's part files hold.
	Exports map[string]int64 `json:"exports,omitempty"`
	Error   string           `json:"error,omitempty"`
}

// StatusPath is shard s's status file for its run.
func (s Spec) StatusPath(warehouse string) string {
	return filepath.Join(StatusDir(warehouse, s.RunID), s.Name()+".json")
}

// WriteStatus records st as shard s's status (atomically, 0600).
func (s Spec) WriteStatus(warehouse string, st Status) error {
	st.RunID, st.Shard, st.Shards = s.RunID, s.I, s.N
	if err := durable.WriteJSON(s.StatusPath(warehouse), st); err != nil {
		return fmt.Errorf("shard status: %w", err)
	}
	return nil
}

// ReadStatuses reads every shard status of run runID.
func ReadStatuses(warehouse, runID string) ([]Status, error) {
	dir := StatusDir(warehouse, runID)
	paths, err := filepath.Glob(filepath.Join(dir, "shard-*-of-*.json"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("run %q: no shard of it has started (%s does not exist)", runID, dir)
		}
	}
	var out []Status
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("shard status: %w", err)
		}
		var st Status
		if err := json.Unmarshal(b, &st); err != nil {
			return nil, fmt.Errorf("shard status %s: %w", p, err)
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Shard < out[j].Shard })
	return out, nil
}

// ErrIncomplete means a sharded run cannot be committed: a shard is
// missing, still running or failed.
var ErrIncomplete = errors.New("sharded run incomplete")

// Complete checks that the statuses are every shard of one run of N
// shards, each succeeded, and returns N. The error names each shard that
// is missing, running or failed.
func Complete(runID string, sts []Status) (int, error) {
	if len(sts) == 0 {
		return 0, fmt.Errorf("%w: run %q: no shard recorded a status", ErrIncomplete, runID)
	}
	n := sts[0].Shards
	byShard := map[int]Status{}
	for _, st := range sts {
		if st.Shards != n {
			return 0, fmt.Errorf("%w: run %q: shards disagree on N (%d and %d); rerun every shard with the same --shard I/N", ErrIncomplete, runID, n, st.Shards)
		}
		byShard[st.Shard] = st
	}
	var problems []string
	for i := 0; i < n; i++ {
		st, ok := byShard[i]
		name := Spec{I: i, N: n}.Name()
		switch {
		case !ok:
			problems = append(problems, name+" missing")
		case st.Status != StatusSucceeded:
			problems = append(problems, name+" "+st.Status)
		}
	}
	if len(problems) > 0 {
		return 0, fmt.Errorf("%w: run %q: %s; the previous exports stay in place (rerun those shards with the same --run-id, then commit-run again)",
			ErrIncomplete, runID, strings.Join(problems, ", "))
	}
	return n, nil
}
