package flow

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/example/pipeline/pipeline/engine"
)

// probes remembers the columns of each native file scan a pool's users
// probed, so that validation and the run of one `pipeline run` have
// DuckDB sniff each file once, not twice. An entry counts only while every file of the scan has the size
// and modification time it had when it was probed; scans of record
// streams are never kept (each read is a new stream).
type probes struct {
	mu       sync.Mutex
	m        map[string]probed
	dialects map[string]sniffed
	// busy holds the probes and sniffs under way, closed when done (see
	// claim): validation and the run stage the same files at the same
	// moment, and a second probe of a file waits for the first instead of
	// repeating it (the companies and unsubscribes of the 1M bench set
	// were sniffed twice in every run)
	busy map[string]chan struct{}
}

type sniffed struct {
	dialect map[string]string
	file    fileStamp
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

// claim is the way to a probe's answer: nil when cached (called under
// pr.mu) finds it, else a release func once this caller may work it out,
// which it calls when done (after storing the answer, or not). While one
// caller works out a key, others wait for it and look again: validation
// and the run probe the same files at the same moment. An interrupted
// wait lets the caller work (its context fails it soon enough).
func (pr *probes) claim(ctx context.Context, key string, cached func() bool) (release func()) {
	for {
		pr.mu.Lock()
		if cached() {
			pr.mu.Unlock()
			return nil
		}
		wait, busy := pr.busy[key]
		if !busy {
			if pr.busy == nil {
				pr.busy = map[string]chan struct{}{}
			}
			done := make(chan struct{})
			pr.busy[key] = done
			pr.mu.Unlock()
			return func() {
				pr.mu.Lock()
				delete(pr.busy, key)
				pr.mu.Unlock()
				close(done)
			}
		}
		pr.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return func() {}
		}
	}
}

// scanColumns returns the columns of a source's scan: from the pool's
// probes when the same scan of the same, unchanged files was probed
// before, else by asking DuckDB (and remembering the answer).
func (rn *run) scanColumns(ctx context.Context, c *sqlConn, name string, s *scanSQL) ([]string, error) {
	if s.CSV != nil { // csvread read the header
		return s.CSV.Names, nil
	}
	var pr *probes
	if p, ok := rn.Connectors.(*Pool); ok {
		pr = p.probes
	}
	key := name + "\x00" + s.Probe.Key() + "\x00" + fmt.Sprint(s.Params)
	before, stamped := stamps(s)
	if pr != nil && stamped {
		var hit []string
		release := pr.claim(ctx, "columns\x00"+key, func() bool {
			e, ok := pr.m[key]
			hit = e.cols
			return ok && sameStamps(e.files, before)
		})
		if release == nil {
			return hit, nil
		}
		defer release()
	}
	cols, err := columns(ctx, c, s.Probe, s.Params.Args()...)
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

// csvDialect returns the connector's read_csv parameters plus the dialect
// DuckDB's sniffer finds in the file (delimiter, quote, escape, line
// ending, comment, skipped lines, header), so that every later read of the
// file (the column probe, the stage, each in validation and in the run)
// names it instead of sniffing again.
// Only a scan of one plain file is sniffed, once per unchanged file per
// pool; for anything else, or when the sniff fails (the scan then reports
// the problem itself), the connector's parameters come back as they are.
// Naming the sniffed dialect reads the file as the sniff would have.
func (rn *run) csvDialect(ctx context.Context, c *sqlConn, paths []string, given map[string]string) map[string]string {
	if len(paths) != 1 {
		return given
	}
	st, err := os.Stat(paths[0])
	if err != nil || !st.Mode().IsRegular() {
		return given
	}
	stamp := fileStamp{paths[0], st.Size(), st.ModTime()}
	var pr *probes
	if p, ok := rn.Connectors.(*Pool); ok {
		pr = p.probes
	}
	key := fmt.Sprint(paths[0], "\x00", given)
	if pr != nil {
		var hit map[string]string
		release := pr.claim(ctx, "dialect\x00"+key, func() bool {
			e, ok := pr.dialects[key]
			hit = e.dialect
			return ok && e.file == stamp
		})
		if release == nil {
			return hit
		}
		defer release()
	}
	p := params{"path": paths[0]}
	// A 4 MiB buffer: the default (32 MiB) is read and copied whole before
	// the sniffer looks at its 20k-row sample, half of a sniff of a large
	// file; the answer was the same on every CSV in the repository, the
	// shared test data and the bench sets. It still holds the longest line
	// read_csv accepts by default (2 MiB).
	q := engine.MustRender("csv_sniff", csvArgList(given, p))
	var delim, quote, escape, newLine, comment string
	var skip int64
	var header bool
	t0 := time.Now()
	// on a connection of its own: a failed sniff would abort the run's
	// transaction on c
	sc, err := rn.db.Conn(ctx)
	if err != nil {
		return given
	}
	err = sc.QueryRowContext(ctx, q, p.Args()...).Scan(&delim, &quote, &escape, &newLine, &comment, &skip, &header)
	sc.Close()
	// (not the error's text: the sniffer's quotes lines of the file)
	rn.Log.Debug().Str("file", filepath.Base(paths[0])).Dur("took_ms", time.Since(t0)).Bool("failed", err != nil).Msg("csv sniffed")
	if err != nil {
		return given
	}
	// sniff_csv shows "no character" as "(empty)" and line endings
	// escaped, which is how read_csv takes them
	none := func(s string) string {
		if s == "(empty)" {
			return ""
		}
		return s
	}
	// and an 8 MiB read buffer rather than the default 32 MiB: fewer fresh
	// pages to fault in and copy (a read's first buffer is filled at bind
	// time)
	out := map[string]string{"delim": delim, "quote": none(quote), "escape": none(escape),
		"new_line": newLine, "comment": none(comment), "skip": fmt.Sprint(skip), "header": fmt.Sprint(header),
		"buffer_size": "8388608"}
	for k, v := range given {
		out[k] = v
	}
	if pr != nil {
		pr.mu.Lock()
		if pr.dialects == nil {
			pr.dialects = map[string]sniffed{}
		}
		pr.dialects[key] = sniffed{out, stamp}
		pr.mu.Unlock()
	}
	return out
}
