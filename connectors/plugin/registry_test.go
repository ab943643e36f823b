package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/example/pipeline/connectors"
)

// pluginDir holds the test plugin built as pipeline-connector-MODE.
var pluginDir string

var modes = []string{"ok", "big", "crash", "hang", "garbage", "schema", "drift", "stall", "firstfail", "sockgarbage", "empty", "nostart"}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "plugin-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		defer CleanupClients()
		bin := filepath.Join(dir, "testplugin")
		cmd := exec.Command("go", "build", "-o", bin, "./internal/testplugin")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build test plugin: %v\n%s", err, out)
			return 1
		}
		for _, m := range modes {
			if err := os.Link(bin, filepath.Join(dir, ExecutablePrefix+m)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		pluginDir = dir
		return m.Run()
	}()
	os.Exit(code)
}

func newRegistry(t *testing.T) (*Registry, *syncBuffer) {
	t.Helper()
	var stderr syncBuffer
	return NewRegistry(RegistryOptions{PluginDirs: []string{pluginDir}, Stderr: &stderr, StartTimeout: hangAfter}), &stderr
}

// assertGone fails unless the process pid has exited (a zombie counts as
// alive: go-plugin must also have reaped it).
func assertGone(t *testing.T, pid int) {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("no pid")
	}
	deadline := time.Now().Add(hangAfter) // the kernel tells no one but the parent: poll
	for {
		err := syscall.Kill(pid, 0)
		if errors.Is(err, syscall.ESRCH) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("plugin process %d still exists (kill -0: %v)", pid, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func openSource(t *testing.T, ctx context.Context, r *Registry, name string) (connectors.Source, *Process) {
	t.Helper()
	src, closer, err := r.OpenSource(ctx, name)
	if err != nil {
		t.Fatalf("OpenSource(%s): %v", name, err)
	}
	p := closer.(*Process)
	t.Cleanup(func() { _ = p.Close() })
	return src, p
}

// closeGone closes the connector process and asserts it is gone.
func closeGone(t *testing.T, p *Process) {
	t.Helper()
	pid := p.Pid()
	_ = p.Close()
	assertGone(t, pid)
}

// scanAll scans source "people" to the end: the rows and the first error,
// from Scan or from the stream.
func scanAll(ctx context.Context, src connectors.Source) (int64, error) {
	scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "people"})
	if err != nil {
		return 0, err
	}
	defer scan.Records.Close()
	return drain(ctx, scan.Records)
}

func drain(ctx context.Context, rr connectors.RecordReader) (int64, error) {
	var rows int64
	for {
		rec, err := rr.Next(ctx)
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows += rec.NumRows()
		rec.Release()
	}
}

func TestScanOverProcess(t *testing.T) {
	ctx := t.Context()
	r, stderr := newRegistry(t)
	for _, tt := range []struct {
		give string
		want int64
	}{{"ok", 3000}, {"big", 64 * 1024}} {
		t.Run(tt.give, func(t *testing.T) {
			src, p := openSource(t, ctx, r, tt.give)
			scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "people"})
			if err != nil {
				t.Fatal(err)
			}
			if scan.Records == nil || scan.Records.Schema().NumFields() != 2 {
				t.Fatalf("want a 2-column record stream, got %+v", scan)
			}
			rows, err := drain(ctx, scan.Records)
			if err != nil || rows != tt.want {
				t.Fatalf("rows = %d, %v; want %d", rows, err, tt.want)
			}
			if _, err := scan.Records.Next(ctx); err != io.EOF {
				t.Fatalf("Next after EOF = %v, want io.EOF", err)
			}
			_ = scan.Records.Close()
			closeGone(t, p)
		})
	}
	if !strings.Contains(stderr.String(), "connector ok: testplugin starting in mode ok") {
		t.Errorf("plugin stderr not captured with prefix:\n%s", stderr)
	}
}

func TestValidateBadOptions(t *testing.T) {
	ctx := t.Context()
	r, _ := newRegistry(t)
	src, _ := openSource(t, ctx, r, "ok")
	err := src.Validate(ctx, connectors.Options{"bad": "yes", "n": 3})
	if !errors.Is(err, connectors.ErrBadOptions) || !strings.Contains(err.Error(), `connector "ok"`) || !strings.Contains(err.Error(), `option "bad" is bad`) {
		t.Fatalf("err = %v; want ErrBadOptions naming connector and option", err)
	}
	if strings.Count(err.Error(), "bad options") != 1 {
		t.Errorf("sentinel text repeated: %v", err)
	}
}

func TestSinkOverProcess(t *testing.T) {
	ctx := t.Context()
	r, _ := newRegistry(t)
	sink, closer, err := r.OpenSink(ctx, "ok")
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	src, _ := openSource(t, ctx, r, "big")
	scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "s"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := sink.Write(ctx, connectors.WriteRequest{Export: "e", RunID: "r1", Records: scan.Records, Metadata: map[string]string{"campaign": "c"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 64*1024 || res.Location != "memory:e:c" {
		t.Fatalf("result = %+v", res)
	}
	locs, err := sink.(connectors.Locator).Locate(ctx, nil, "abc")
	if err != nil || len(locs) != 1 || locs[0].Place != "memory:abc" {
		t.Fatalf("Locate = %v, %v", locs, err)
	}
	_, err = sink.(connectors.Eraser).Erase(ctx, nil, "abc")
	if !errors.Is(err, ErrUnsupported) || !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("Erase err = %v; want ErrUnsupported", err)
	}
	// A source-only connector is not a sink.
	if _, _, err := r.OpenSink(ctx, "garbage"); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("OpenSink(garbage) = %v; want ErrUnsupported", err)
	}
}

func TestCrashMidStream(t *testing.T) {
	ctx := t.Context()
	r, stderr := newRegistry(t)
	src, p := openSource(t, ctx, r, "crash")
	// The crash may be seen by Scan itself or by a later Next: gRPC may
	// drop messages already sent when the connection breaks.
	var rows int64
	scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "people"})
	if err == nil {
		rows, err = drain(ctx, scan.Records)
	}
	if err == nil {
		t.Fatal("want an error from a crashing plugin")
	}
	if rows > 1000 {
		t.Errorf("rows = %d, want at most the first batch", rows)
	}
	msg := err.Error()
	for _, want := range []string{`connector "crash"`, `source "people"`, "exit status 3", "boom: crashing on purpose"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if !errors.Is(err, ErrExited) {
		t.Errorf("error does not wrap ErrExited: %v", err)
	}
	if !strings.Contains(stderr.String(), "connector crash: ") || !strings.Contains(stderr.String(), "boom: crashing on purpose") {
		t.Errorf("stderr not logged: %s", stderr)
	}
	assertGone(t, p.Pid())
}

// A sink that dies mid-Write fails the write with its exit status and
// last words, naming the connector and the export; no process is left.
func TestSinkCrashMidWrite(t *testing.T) {
	ctx := t.Context()
	r, stderr := newRegistry(t)
	src, _ := openSource(t, ctx, r, "ok")
	sink, closer, err := r.OpenSink(ctx, "crash")
	if err != nil {
		t.Fatal(err)
	}
	p := closer.(*Process)
	t.Cleanup(func() { _ = p.Close() })
	scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "people"})
	if err != nil {
		t.Fatal(err)
	}
	defer scan.Records.Close()
	res, err := sink.Write(ctx, connectors.WriteRequest{Export: "prospects", RunID: "r1", Records: scan.Records})
	if err == nil {
		t.Fatalf("want an error from a crashing sink, got %+v", res)
	}
	msg := err.Error()
	for _, want := range []string{`connector "crash"`, `export "prospects"`, "exit status 4", "sink boom: crashing on purpose"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if !errors.Is(err, ErrExited) {
		t.Errorf("error does not wrap ErrExited: %v", err)
	}
	if !strings.Contains(stderr.String(), "sink boom") {
		t.Errorf("stderr not logged: %s", stderr)
	}
	assertGone(t, p.Pid())
}

// A plugin that never answers Scan: ending the ctx the connector was
// opened with ends the call and kills the process, even before Close.
func TestHangCancelled(t *testing.T) {
	r, stderr := newRegistry(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	src, p := openSource(t, ctx, r, "hang")
	errc := make(chan error, 1)
	go func() {
		_, err := src.Scan(ctx, connectors.ScanRequest{Source: "people"})
		errc <- err
	}()
	stderr.waitFor(t, "connector hang: hanging in Scan") // the plugin is inside Scan
	cancel()
	err := await(t, errc, "Scan after cancel")
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), `connector "hang"`) {
		t.Fatalf("err = %v; want context.Canceled naming the connector", err)
	}
	assertGone(t, p.Pid())
}

// A plugin that never answers Scan: ending the call's own ctx ends the
// call; closing the connector ends the process.
func TestHangClosed(t *testing.T) {
	ctx := t.Context()
	r, stderr := newRegistry(t)
	src, p := openSource(t, ctx, r, "hang")
	sctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() {
		_, err := src.Scan(sctx, connectors.ScanRequest{Source: "people"})
		errc <- err
	}()
	stderr.waitFor(t, "connector hang: hanging in Scan") // the plugin is inside Scan
	cancel()
	if err := await(t, errc, "Scan after cancel"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	closeGone(t, p)
}

func TestBadBatches(t *testing.T) {
	ctx := t.Context()
	r, stderr := newRegistry(t)
	for _, tt := range []struct{ give, want, line string }{
		{"garbage", "undecodable Arrow IPC", "connector garbage: sending garbage"},
		{"schema", "schema changed mid-stream", "connector schema: testplugin starting in mode schema"},
	} {
		t.Run(tt.give, func(t *testing.T) {
			src, p := openSource(t, ctx, r, tt.give)
			scan, err := src.Scan(ctx, connectors.ScanRequest{Source: "people"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = drain(ctx, scan.Records)
			if !errors.Is(err, ErrBadBatch) || !strings.Contains(err.Error(), fmt.Sprintf("connector %q: source \"people\": batch 1", tt.give)) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v", err)
			}
			_ = scan.Records.Close()
			stderr.waitFor(t, tt.line)
			closeGone(t, p)
		})
	}
}

func TestStartFailures(t *testing.T) {
	ctx := t.Context()
	r, _ := newRegistry(t)
	r.opts.StartTimeout = 500 * time.Millisecond
	_, _, err := r.OpenSource(ctx, "nostart")
	if err == nil || !strings.Contains(err.Error(), `connector "nostart"`) {
		t.Fatalf("err = %v", err)
	}
	_, _, err = r.OpenSource(ctx, "nope")
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

// linkPlugins makes a plugin folder with the test plugin under the given
// modes' names (name: mode).
func linkPlugins(t *testing.T, names map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, mode := range names {
		if err := os.Link(filepath.Join(pluginDir, ExecutablePrefix+mode), filepath.Join(dir, ExecutablePrefix+name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestListAndShadowing(t *testing.T) {
	ctx := t.Context()
	// Plugins that start: every one must be given the time it takes on a
	// busy machine, so "nostart" is listed on its own below.
	first := linkPlugins(t, map[string]string{"ok": "ok", "garbage": "garbage"})
	// An external named like a built-in, and a second "ok" later in the
	// search order: both shadowed.
	other := linkPlugins(t, map[string]string{"builtinname": "ok", "ok": "ok"})
	r := NewRegistry(RegistryOptions{
		SelfExe: filepath.Join(pluginDir, ExecutablePrefix+"ok"), Builtins: []string{"builtinname"},
		PluginDirs: []string{first, other}, StartTimeout: hangAfter,
	})
	c, err := r.Find("builtinname")
	if err != nil || c.Origin != OriginBuiltin {
		t.Fatalf("Find = %+v, %v; built-in must win", c, err)
	}
	c, err = r.Find("ok")
	if err != nil || c.Path != filepath.Join(first, ExecutablePrefix+"ok") {
		t.Fatalf("Find(ok) = %+v, %v; first plugin dir must win", c, err)
	}
	infos, err := r.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Info{}
	for _, in := range infos {
		if !in.Shadowed {
			got[in.Name] = in
		}
	}
	ok := got["ok"]
	if ok.Origin != OriginExternal || ok.Version != "9.9.9" || len(ok.Kinds) != 2 || ok.Error != "" {
		t.Errorf("ok = %+v", ok)
	}
	if g := got["garbage"]; len(g.Kinds) != 1 || g.Kinds[0] != connectors.KindSource {
		t.Errorf("garbage = %+v", g)
	}
	if b := got["builtinname"]; b.Origin != OriginBuiltin {
		t.Errorf("builtinname = %+v", b)
	}
	shadowed := 0
	for _, in := range infos {
		if in.Shadowed {
			shadowed++
		}
	}
	if shadowed != 2 {
		t.Errorf("shadowed = %d, want 2: %+v", shadowed, infos)
	}
	// A connector that never completes the handshake is listed with its
	// error (a short start timeout cannot make a plugin that never starts
	// look healthy).
	r = NewRegistry(RegistryOptions{PluginDirs: []string{linkPlugins(t, map[string]string{"nostart": "nostart"})}, StartTimeout: 500 * time.Millisecond})
	infos, err = r.List(ctx)
	if err != nil || len(infos) != 1 || infos[0].Name != "nostart" || infos[0].Error == "" {
		t.Errorf("List of nostart = %+v, %v; want it listed with an error", infos, err)
	}
}

// Nothing of a plugin is left in the temp folder once it is closed: not
// go-plugin's gRPC socket (which its server leaves behind when the process
// is killed) nor the data socket's folder, whether the plugin finished, crashed
// mid-scan or never answered and had to be killed.
func TestNothingLeftInTemp(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	r, _ := newRegistry(t)
	for _, mode := range []string{"ok", "crash", "nostart"} {
		src, closer, err := r.OpenSource(t.Context(), mode)
		if mode == "nostart" {
			if err == nil {
				_ = closer.Close()
				t.Fatalf("nostart: OpenSource succeeded")
			}
			continue
		}
		if err != nil {
			t.Fatalf("OpenSource(%s): %v", mode, err)
		}
		p := closer.(*Process)
		if ents, _ := os.ReadDir(tmp); len(ents) == 0 {
			t.Errorf("%s: no socket folder in TMPDIR while the plugin runs", mode)
		}
		_, scanErr := scanAll(t.Context(), src)
		if (scanErr != nil) != (mode == "crash") {
			t.Errorf("%s: scan error %v", mode, scanErr)
		}
		closeGone(t, p)
	}
	// hang: Scan never answers; cancelling it leaves a process that Close
	// must kill by force.
	src, p := openSource(t, t.Context(), r, "hang")
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	_, _ = scanAll(ctx, src)
	cancel()
	closeGone(t, p)
	ents, _ := os.ReadDir(tmp)
	var left []string
	for _, e := range ents {
		left = append(left, e.Name())
	}
	if len(left) != 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
}
