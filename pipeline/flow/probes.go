package flow

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"
)

// probes remembers the columns of each native file scan a pool's users
// probed, so that validation and the run of one `pipeline run` have
// DuckDB sniff each file once, not twice (a CSV of 1M people: 65-100 ms a
// sniff). An entry counts only while every file of the scan has the size
// and modification time it had when it was probed; scans of record
// streams are never kept (each read is a new stream).
type probes struct {
	mu sync.Mutex
	m  map[string]probed
}

type probed struct {
	cols  []string
	files []fileStamp
}

type fileStamp struct {
	path string
	size int64
	mod  time.Time
}

// stamps returns the stamps of the scan's files, false when the scan is
// not over files or one cannot be read.
func stamps(s *scanSQL) ([]fileStamp, bool) {
	paths, ok := s.Params["path"].([]string)
	if !ok || len(paths) == 0 || s.release != nil {
		return nil, false
	}
	out := make([]fileStamp, 0, len(paths))
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() {
			return nil, false
		}
		out = append(out, fileStamp{p, st.Size(), st.ModTime()})
	}
	return out, true
}

func sameStamps(a, b []fileStamp) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].path != b[i].path || a[i].size != b[i].size || !a[i].mod.Equal(b[i].mod) {
			return false
		}
	}
	return true
}

// scanColumns returns the columns of a source's scan: from the pool's
// probes when the same scan of the same, unchanged files was probed
// before, else by asking DuckDB (and remembering the answer).
func (rn *run) scanColumns(ctx context.Context, c *sqlConn, name string, s *scanSQL) ([]string, error) {
	var pr *probes
	if p, ok := rn.Connectors.(*Pool); ok {
		pr = p.probes
	}
	key := name + "\x00" + s.Probe + "\x00" + fmt.Sprint(s.Params)
	before, stamped := stamps(s)
	if pr != nil && stamped {
		pr.mu.Lock()
		e, ok := pr.m[key]
		pr.mu.Unlock()
		if ok && sameStamps(e.files, before) {
			return e.cols, nil
		}
	}
	cols, err := columns(ctx, c, "SELECT * FROM "+s.Probe, s.Params.Args()...)
	if err != nil || pr == nil || !stamped {
		return cols, err
	}
	// keep it only if the files did not change while DuckDB read them
	if after, ok := stamps(s); ok && sameStamps(before, after) {
		pr.mu.Lock()
		pr.m[key] = probed{cols: cols, files: before}
		pr.mu.Unlock()
	}
	return cols, nil
}
