package rights

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/pipeline/config"
	"github.com/example/pipeline/pipeline/connect"
)

// streamSink is a streaming sink (a database, a CRM) as a connector
// author writes one; locates says whether it has the Locate and Erase
// capabilities.
type streamSink struct {
	locates bool
	erased  *int
}

func (s streamSink) Describe(context.Context) (connectors.Description, error) {
	caps := []string{connectors.CapArrowStream}
	if s.locates {
		caps = append(caps, connectors.CapLocate, connectors.CapErase)
	}
	return connectors.Description{Name: "crm", Kind: connectors.KindSink, Capabilities: caps}, nil
}
func (streamSink) Validate(context.Context, connectors.Options) error { return nil }
func (streamSink) Write(context.Context, connectors.WriteRequest) (*connectors.WriteResult, error) {
	return nil, errors.New("not written in this test")
}

// locatingSink adds Locate and Erase to streamSink.
type locatingSink struct{ streamSink }

func (locatingSink) Locate(_ context.Context, _ connectors.Options, key string) ([]connectors.Location, error) {
	return []connectors.Location{{Place: "crm.people", Rows: 1}}, nil
}
func (s locatingSink) Erase(context.Context, connectors.Options, string) (int64, error) {
	*s.erased++
	return 1, nil
}

// withCRM serves the built-ins in process and the "crm" sink.
type withCRM struct {
	connect.InProcess
	sink connectors.Sink
}

func (w withCRM) Sink(ctx context.Context, name string) (connectors.Sink, func() error, error) {
	if name == "crm" {
		return w.sink, func() error { return nil }, nil
	}
	return w.InProcess.Sink(ctx, name)
}

func addCRMExport(cfg *config.Config) {
	cfg.Exports["crm_feed"] = &config.Export{Name: "crm_feed", Campaign: "acme-q1", Columns: []string{"subject_key", "email"},
		Sink: config.Sink{Connector: "crm", Options: map[string]any{"table": "people"}}}
	cfg.ExportOrder = append(cfg.ExportOrder, "crm_feed")
}

// TestSinkWithoutCapabilitiesNotSearchable: an export whose sink can
// neither locate nor erase is reported by SAR and erasure as not
// searchable, with its recipient; the file export beside it is still read
// and rewritten by the host.
func TestSinkWithoutCapabilitiesNotSearchable(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureRun(t)
	addCRMExport(cfg)
	conns := withCRM{sink: streamSink{}}
	c, done := openFixture(t, cfg)
	f, err := Find(ctx, c, cfg, fxSubject(t), FindOptions{Connectors: conns})
	done()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.NotSearchable) != 1 || f.NotSearchable[0].Export != "crm_feed" || f.NotSearchable[0].Note != NotSearchableNote ||
		f.NotSearchable[0].Recipient != cfg.Campaigns["acme-q1"].Recipient {
		t.Errorf("NotSearchable = %+v, want crm_feed", f.NotSearchable)
	}
	if len(f.Exports) != 1 || f.Exports[0].Export != "acme_q1" {
		t.Errorf("exports found %+v, want the parquet export acme_q1", f.Exports)
	}
	for _, format := range []string{"text", "html", "json"} {
		var b strings.Builder
		if err := NewReport(cfg, f, eraseNow).Write(&b, format); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), NotSearchableNote) || !strings.Contains(b.String(), "crm_feed") {
			t.Errorf("the %s SAR does not name the unsearchable export crm_feed", format)
		}
	}
	res, err := Erase(ctx, cfg, fxSubject(t), EraseOptions{Connectors: conns, Now: func() time.Time { return eraseNow }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NotSearchable) != 1 || res.NotSearchable[0].Export != "crm_feed" || len(res.Files) != 1 {
		t.Errorf("erase: not searchable %+v, files %+v", res.NotSearchable, res.Files)
	}
}

// TestSinkWithCapabilitiesAsked: a sink with Locate and Erase is asked by
// SAR and erasure and is not reported as not searchable.
func TestSinkWithCapabilitiesAsked(t *testing.T) {
	ctx := context.Background()
	cfg := fixtureRun(t)
	addCRMExport(cfg)
	erased := 0
	conns := withCRM{sink: locatingSink{streamSink{locates: true, erased: &erased}}}
	c, done := openFixture(t, cfg)
	f, err := Find(ctx, c, cfg, fxSubject(t), FindOptions{Connectors: conns})
	done()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.NotSearchable) != 0 || len(f.Sinks) != 1 || f.Sinks[0].Export != "crm_feed" {
		t.Errorf("not searchable %+v, sinks %+v: want crm_feed located", f.NotSearchable, f.Sinks)
	}
	res, err := Erase(ctx, cfg, fxSubject(t), EraseOptions{Connectors: conns, Now: func() time.Time { return eraseNow }})
	if err != nil {
		t.Fatal(err)
	}
	if erased != 1 || len(res.NotSearchable) != 0 {
		t.Errorf("erase asked the sink %d times, not searchable %+v", erased, res.NotSearchable)
	}
}
