package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/example/pipeline/connectors"
)

// ExecutablePrefix is how external connector executables are named:
// pipeline-connector-NAME (the git/kubectl plugin convention).
const ExecutablePrefix = "pipeline-connector-"

// Origin says where a connector comes from.
type Origin string

// Origins.
const (
	OriginBuiltin  Origin = "built-in" // served by the pipeline binary itself
	OriginExternal Origin = "external" // a pipeline-connector-NAME executable
)

// RegistryOptions are the Registry's inputs; nothing is read from globals
// except $PATH when SearchPATH is set and PATH is empty.
type RegistryOptions struct {
	// SelfExe is the pipeline binary, which serves the built-ins as
	// `SelfExe connector serve NAME`.
	SelfExe string
	// Builtins are the built-in connector names (builtin.Names()).
	Builtins []string
	// PluginDirs are searched, in order, for pipeline-connector-NAME
	// executables: typically $PIPELINE_PLUGIN_DIR, then ./plugins beside
	// the config file. Missing directories are skipped.
	PluginDirs []string
	// SearchPATH also searches PATH (after PluginDirs).
	SearchPATH bool
	// PATH overrides the $PATH searched when SearchPATH is set.
	PATH string
	// Logger receives go-plugin's own logs (nil: none).
	Logger hclog.Logger
	// Stderr receives each plugin's stderr, one line at a time, prefixed
	// with "connector NAME: " (nil: kept only for error messages).
	Stderr io.Writer
	// StartTimeout bounds how long a plugin may take to start (default 30s).
	StartTimeout time.Duration
}

// Registry finds connectors by name and launches them as plugin
// processes. Built-ins win over an external executable of the same name,
// so a stray pipeline-connector-csv on PATH cannot replace the CSV
// connector silently; List reports such externals as Shadowed. Among
// externals, the first match in PluginDirs order, then PATH, wins.
// A Registry is safe for concurrent use.
type Registry struct {
	opts RegistryOptions
}

// NewRegistry returns a registry over opts.
func NewRegistry(opts RegistryOptions) *Registry {
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	return &Registry{opts: opts}
}

// Candidate is a connector found by name, not yet launched.
type Candidate struct {
	Name     string
	Origin   Origin
	Path     string // the executable (SelfExe for built-ins)
	Shadowed bool   // an external hidden by a built-in or an earlier match
}

// Info describes one connector, as List reports it.
type Info struct {
	Name         string            `json:"name"`
	Kinds        []connectors.Kind `json:"kinds"`
	Origin       Origin            `json:"origin"`
	Path         string            `json:"path"`
	Version      string            `json:"version"`
	Capabilities []string          `json:"capabilities"`
	Shadowed     bool              `json:"shadowed,omitempty"`
	// Error is set when the connector could not be launched or described.
	Error string `json:"error,omitempty"`
}

// Find resolves name to the connector that OpenSource/OpenSink would
// launch. The error wraps ErrNotFound when there is none.
func (r *Registry) Find(name string) (Candidate, error) {
	for _, c := range r.candidates() {
		if c.Name == name && !c.Shadowed {
			return c, nil
		}
	}
	return Candidate{}, fmt.Errorf("%w: %q (built-in: %s; external: %s<name> in %s)", ErrNotFound, name,
		strings.Join(r.opts.Builtins, ", "), ExecutablePrefix, r.searchPlaces())
}

func (r *Registry) searchPlaces() string {
	places := slices.Clone(r.opts.PluginDirs)
	if r.opts.SearchPATH {
		places = append(places, "PATH")
	}
	if len(places) == 0 {
		return "no plugin directory"
	}
	return strings.Join(places, ", ")
}

// candidates lists built-ins, then externals in search order, marking the
// shadowed ones.
func (r *Registry) candidates() []Candidate {
	seen := map[string]bool{}
	var out []Candidate
	for _, n := range r.opts.Builtins {
		if seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, Candidate{Name: n, Origin: OriginBuiltin, Path: r.opts.SelfExe})
	}
	dirs := slices.Clone(r.opts.PluginDirs)
	if r.opts.SearchPATH {
		p := r.opts.PATH
		if p == "" {
			p = os.Getenv("PATH")
		}
		dirs = append(dirs, filepath.SplitList(p)...)
	}
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name, ok := externalName(e.Name())
			if !ok {
				continue
			}
			path := filepath.Join(dir, e.Name())
			if !isExecutable(path) {
				continue
			}
			out = append(out, Candidate{Name: name, Origin: OriginExternal, Path: path, Shadowed: seen[name]})
			seen[name] = true
		}
	}
	return out
}

func externalName(file string) (string, bool) {
	if runtime.GOOS == "windows" {
		file = strings.TrimSuffix(file, ".exe")
	}
	name, ok := strings.CutPrefix(file, ExecutablePrefix)
	return name, ok && name != ""
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	if err != nil || st.IsDir() {
		return false
	}
	return runtime.GOOS == "windows" || st.Mode().Perm()&0o111 != 0
}

// List launches every connector it can find, asks each to describe
// itself, and returns them sorted by name (built-ins first among equal
// names). A connector that fails to start is listed with Error set; the
// error return is only for ctx ending.
func (r *Registry) List(ctx context.Context) ([]Info, error) {
	cands := r.candidates()
	infos := make([]Info, len(cands))
	var wg sync.WaitGroup
	for i, c := range cands {
		wg.Go(func() { infos[i] = r.describe(ctx, c) })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(infos, func(i, j int) bool { return infos[i].Name < infos[j].Name })
	return infos, nil
}

func (r *Registry) describe(ctx context.Context, c Candidate) Info {
	info := Info{Name: c.Name, Origin: c.Origin, Path: c.Path, Shadowed: c.Shadowed}
	p, rpc, err := r.launch(ctx, c)
	if err != nil {
		info.Error = err.Error()
		return info
	}
	defer p.Close()
	var errs []error
	for _, kind := range []string{SourcePluginName, SinkPluginName} {
		_, d, err := dispense(ctx, c.Name, rpc, kind, p)
		if errors.Is(err, ErrUnsupported) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		info.Kinds = append(info.Kinds, connectors.Kind(kind))
		if info.Version == "" {
			info.Version = d.Version
		}
		for _, cp := range d.Capabilities {
			if !slices.Contains(info.Capabilities, cp) {
				info.Capabilities = append(info.Capabilities, cp)
			}
		}
	}
	if len(info.Kinds) == 0 && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("connector %q serves neither a source nor a sink", c.Name))
	}
	if len(errs) > 0 {
		info.Error = errors.Join(errs...).Error()
	}
	return info
}

// dispense returns the named client (a *SourceClient or *SinkClient),
// wired to p, and its description. A connector that does not serve kind
// fails with ErrUnsupported.
func dispense(ctx context.Context, name string, rpc goplugin.ClientProtocol, kind string, p *Process) (connectors.Describer, connectors.Description, error) {
	raw, err := rpc.Dispense(kind)
	if err != nil {
		return nil, connectors.Description{}, fmt.Errorf("connector %q: dispense %s: %w", name, kind, err)
	}
	c, ok := raw.(interface {
		connectors.Describer
		bind(name string, diag func(error) error)
	})
	if !ok {
		return nil, connectors.Description{}, fmt.Errorf("connector %q: unexpected plugin type %T", name, raw)
	}
	c.bind(name, p.diagnose)
	d, err := c.Describe(ctx)
	return c, d, err
}

// OpenSource launches the named connector and returns its source. The
// process lives until the Closer is closed or ctx is done, whichever comes
// first (ctx ending kills it, like exec.CommandContext): pass a context
// that spans the whole use of the source. The error wraps ErrNotFound for
// an unknown name and ErrUnsupported when the connector has no source.
func (r *Registry) OpenSource(ctx context.Context, name string) (connectors.Source, io.Closer, error) {
	c, p, err := r.open(ctx, name, SourcePluginName)
	if err != nil {
		return nil, nil, err
	}
	return c.(*SourceClient), p, nil
}

// OpenSink launches the named connector and returns its sink, which also
// implements the optional interfaces (see SinkClient). Lifetime and errors
// as for OpenSource.
func (r *Registry) OpenSink(ctx context.Context, name string) (connectors.Sink, io.Closer, error) {
	c, p, err := r.open(ctx, name, SinkPluginName)
	if err != nil {
		return nil, nil, err
	}
	return c.(*SinkClient), p, nil
}

// open launches the named connector and dispenses kind from it
// (SourcePluginName or SinkPluginName).
func (r *Registry) open(ctx context.Context, name, kind string) (connectors.Describer, *Process, error) {
	c, err := r.Find(name)
	if err != nil {
		return nil, nil, err
	}
	p, rpc, err := r.launch(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	d, _, err := dispense(ctx, name, rpc, kind, p)
	if err != nil {
		_ = p.Close()
		if errors.Is(err, ErrUnsupported) {
			return nil, nil, fmt.Errorf("connector %q is not a %s: %w", name, kind, ErrUnsupported)
		}
		return nil, nil, err
	}
	return d, p, nil
}

// launch starts c's process and connects to it. On error nothing is left
// running.
func (r *Registry) launch(ctx context.Context, c Candidate) (*Process, goplugin.ClientProtocol, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var cmd *exec.Cmd
	switch c.Origin {
	case OriginBuiltin:
		if r.opts.SelfExe == "" {
			return nil, nil, fmt.Errorf("connector %q: built-in, but RegistryOptions.SelfExe is not set", c.Name)
		}
		cmd = exec.CommandContext(ctx, r.opts.SelfExe, "connector", "serve", c.Name)
	default:
		cmd = exec.CommandContext(ctx, c.Path)
	}
	cmd.WaitDelay = 5 * time.Second
	dieWithHost(cmd)
	// go-plugin's server puts its gRPC socket in os.TempDir unless told
	// otherwise, and nothing removes it when the process is killed: give
	// each process a private (0700) folder that Close removes.
	sockDir, err := os.MkdirTemp("", "pipeline-plugin-")
	if err != nil {
		return nil, nil, fmt.Errorf("connector %q: socket folder: %w", c.Name, err)
	}
	cmd.Env = []string{goplugin.EnvUnixSocketDir + "=" + sockDir} // go-plugin appends os.Environ()
	stderr := &stderrLog{prefix: fmt.Sprintf("connector %s: ", c.Name), out: r.opts.Stderr}
	sync := &lineWriter{dst: stderr}
	stdio := newStdioWatch()
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: VersionedPlugins(nil, nil),
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Managed:          true,
		Logger:           r.opts.Logger.Named(c.Name),
		Stderr:           stderr, // the process's own stderr: panics, early output
		SyncStderr:       sync,   // os.Stderr inside the plugin once it serves
		SyncStdout:       sync,
		StartTimeout:     r.opts.StartTimeout,
		GRPCDialOptions:  append(GRPCDialOptions(), grpc.WithChainStreamInterceptor(stdio.intercept)),
	})
	p := &Process{name: c.Name, client: client, cmd: cmd, stderr: stderr, sync: sync, stdio: stdio, sockDir: sockDir}
	rpc, err := client.Client()
	if err != nil {
		_ = p.Close()
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		msg := fmt.Sprintf("connector %q (%s): start %s", c.Name, c.Origin, c.Path)
		if t := stderr.tail(); t != "" {
			return nil, nil, fmt.Errorf("%s: %w; stderr: %s", msg, err, t)
		}
		return nil, nil, fmt.Errorf("%s: %w", msg, err)
	}
	return p, rpc, nil
}
