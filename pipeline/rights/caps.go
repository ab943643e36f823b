package rights

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/connectors/builtin"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
	"github.com/example/pipeline/pipeline/exportfiles"
)

// NotSearchableNote is what SAR, erasure, restriction and objection say of
// an export whose sink can neither locate nor erase a subject.
const NotSearchableNote = "not searchable: notify the recipient"

// NotSearchable is an export whose sink lacks the capability a rights
// command needs (Locate for SAR, Erase for the others): the subject may be
// held there, and only the recipient can tell.
type NotSearchable struct {
	Export    string `json:"export"`
	Connector string `json:"connector"`
	Recipient string `json:"recipient"`
	Contact   string `json:"contact,omitempty"`
	Note      string `json:"note"`
}

// sinkCaps is what one export's sink can do for the rights commands,
// decided by its capabilities, never by its name.
type sinkCaps struct {
	export, connector string
	// root is set for a file sink (connectors.NativeWriter): its files
	// were written by the host, which reads and rewrites them itself
	// (pipeline/exportfiles); absolute.
	root    string
	locator connectors.Locator // a sink that locates by itself (CapLocate)
	eraser  connectors.Eraser  // a sink that erases by itself (CapErase)
	close   func() error
}

// resolveSinks opens each export's sink and reads its capabilities. A
// sink that cannot be opened is an error (fail closed: it may hold the
// subject). The caller calls closeSinks.
func resolveSinks(ctx context.Context, cfg *config.Config, conns connect.Connectors) ([]*sinkCaps, error) {
	if conns == nil {
		conns = connect.InProcess{}
	}
	var out []*sinkCaps
	for _, name := range cfg.ExportOrder {
		ex := cfg.Exports[name]
		sink, closeFn, err := openSink(ctx, conns, ex.Sink.Connector)
		if err != nil {
			closeSinks(out)
			return nil, fmt.Errorf("export %q: connector %q: %w", name, ex.Sink.Connector, err)
		}
		sc := &sinkCaps{export: name, connector: ex.Sink.Connector, close: closeFn}
		out = append(out, sc)
		d, err := sink.Describe(ctx)
		if err != nil {
			closeSinks(out)
			return nil, fmt.Errorf("export %q: connector %q: %w", name, ex.Sink.Connector, err)
		}
		if _, ok := sink.(connectors.NativeWriter); ok && d.Has(connectors.CapNativeWrite) {
			if root := exportfiles.Root(ex.Sink.Options); root != "." {
				sc.root = absDir(cfg, root)
			}
		}
		if l, ok := sink.(connectors.Locator); ok && d.Has(connectors.CapLocate) {
			sc.locator = l
		}
		if e, ok := sink.(connectors.Eraser); ok && d.Has(connectors.CapErase) {
			sc.eraser = e
		}
	}
	return out, nil
}

// openSink opens a built-in sink in process (a registry serves a
// built-in name by this binary's own code in every mode, so its answers
// are the same, without a process to start) and any other through conns.
func openSink(ctx context.Context, conns connect.Connectors, name string) (connectors.Sink, func() error, error) {
	if slices.Contains(builtin.Names(), name) {
		if _, sink, err := builtin.Open(name); err == nil && sink != nil {
			return sink, func() error { return nil }, nil
		}
	}
	return conns.Sink(ctx, name)
}

func closeSinks(caps []*sinkCaps) {
	for _, sc := range caps {
		if sc.close != nil {
			_ = sc.close()
			sc.close = nil
		}
	}
}

// notSearchable lists the exports whose sink is not a file sink and lacks
// the capability (locate: SAR; erase: the others).
func notSearchable(cfg *config.Config, caps []*sinkCaps, erase bool) []NotSearchable {
	out := []NotSearchable{}
	for _, sc := range caps {
		if sc.root != "" || (!erase && sc.locator != nil) || (erase && sc.eraser != nil) {
			continue
		}
		n := NotSearchable{Export: sc.export, Connector: sc.connector, Note: NotSearchableNote}
		if ex := cfg.Exports[sc.export]; ex != nil {
			if camp := cfg.Campaigns[ex.Campaign]; camp != nil {
				n.Recipient = camp.Recipient
				n.Contact = recipientContact(cfg, ex.Campaign, camp.Recipient)
			}
		}
		out = append(out, n)
	}
	return out
}

// fileDirs maps each file sink's folder to its export's name.
func fileDirs(caps []*sinkCaps) map[string]string {
	out := map[string]string{}
	for _, sc := range caps {
		if sc.root != "" {
			out[sc.root] = sc.export
		}
	}
	return out
}

// writeNotSearchable prints the exports no rights command could search.
func writeNotSearchable(w io.Writer, ns []NotSearchable) {
	for _, n := range ns {
		fmt.Fprintf(w, "  export %s (sink %s, recipient %s, %s): %s\n", n.Export, n.Connector, n.Recipient, contactText(n.Contact), n.Note)
	}
}

// notSearchableNames are the exports' names, for the audit log.
func notSearchableNames(ns []NotSearchable) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, n.Export)
	}
	return out
}
