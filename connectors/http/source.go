// Package http is the built-in HTTP JSON source, for enrichment from a
// people-data vendor's API.
//
// It GETs a URL (once, or once per domain when the URL templates
// {domain}), follows pagination, takes the array of records at a JSON path
// of each page, and hands the host Arrow batches whose columns are the
// union of the records' top-level keys, in first-seen order, all String
// (nested values as compact JSON text).
//
// Options (pipeline.yaml):
//
//	url:        https://api.vendor.example/v1/people?company={domain}   (required)
//	domains:    [acme.com, globex.co.uk]   # required when url has {domain}
//	headers:    {Authorization: "Bearer ${VENDOR_KEY}"}  # secret: never logged
//	records:    data.people                # JSON path of the array ("$" = the body)
//	pagination: {type: next_link, next: links.next}
//	      or    {type: page, param: page, start: 1, size_param: per_page, size: 100}
//	            (both take max_pages, default 10000: more fails the scan)
//	rate_limit: 5                          # requests per second, across the scan
//	retries:    3                          # retries on 429/5xx/transport errors
//	backoff:    500ms                      # first retry wait, doubled each time, with jitter
//	timeout:    30s                        # per request
//	batch_size: 10000                      # rows per Arrow batch
//
// next_link pagination stops at a missing, null or empty next link and
// refuses links (and redirects) to another host, since headers hold
// secrets; page pagination stops at the first page with no records.
// When url templates {domain}, each record gets a column _domain (first)
// naming the domain it was fetched for. A later version may take the
// domains from the host (the companies table) instead of the list option.
//
// The source fetches every page during Scan, so that the schema (the union
// of keys) is known before the first batch; vendor enrichment answers are
// thousands of records, not millions.
package http

import (
	"context"
	"encoding/json"
	"fmt"
	nethttp "net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/example/pipeline/connectors"
)

// Name is the connector's name in pipeline.yaml.
const Name = "http"

// Version is reported by Describe.
const Version = "1.0.0"

// Source reads records from a JSON HTTP API. It holds no per-scan state;
// it is safe for concurrent use.
type Source struct {
	client *nethttp.Client                                  // nil: a default client
	sleep  func(ctx context.Context, d time.Duration) error // nil: a real, ctx-aware sleep
	now    func() time.Time                                 // nil: time.Now
}

var _ connectors.Source = (*Source)(nil)

// NewSource returns the HTTP source.
func NewSource() *Source { return &Source{} }

// Describe implements connectors.Describer.
func (*Source) Describe(context.Context) (connectors.Description, error) {
	return connectors.Description{
		Name: Name, Kind: connectors.KindSource, Version: Version,
		Capabilities: []string{connectors.CapArrowStream},
		Options: []connectors.OptionSpec{
			{Name: "url", Type: "string", Required: true, Doc: "absolute http(s) URL; may contain {domain}"},
			{Name: "domains", Type: "list", Doc: "domains to put in {domain}, one request (and its pages) each"},
			{Name: "headers", Type: "map", Secret: true, Doc: "request headers, e.g. Authorization: Bearer ${VENDOR_KEY}"},
			{Name: "records", Type: "string", Doc: "JSON path of the array of records, like data.people or $.results (default: the body)"},
			{Name: "pagination", Type: "map", Doc: "{type: next_link, next: links.next} or {type: page, param: page, start: 1, size_param: per_page, size: 100}; max_pages (default 10000)"},
			{Name: "rate_limit", Type: "int", Doc: "requests per second across the scan (a number; 0.5 allowed; default unlimited)"},
			{Name: "retries", Type: "int", Doc: "retries on 429, 5xx and transport errors (default 3), honouring Retry-After"},
			{Name: "backoff", Type: "string", Doc: "first retry wait (default 500ms), doubled per retry, with jitter"},
			{Name: "timeout", Type: "string", Doc: "per-request timeout (default 30s)"},
			{Name: "batch_size", Type: "int", Doc: "rows per Arrow batch (default 10000)"},
		},
	}, nil
}

// Validate implements connectors.Describer. It sends no request.
func (*Source) Validate(_ context.Context, opts connectors.Options) error {
	_, err := parseOptions(opts)
	return err
}

// Scan implements connectors.Source: it fetches every page (see the
// package doc) under ctx, then returns a reader over the records. Errors
// name the source and the URL with query values hidden, never a header.
func (s *Source) Scan(ctx context.Context, req connectors.ScanRequest) (*connectors.Scan, error) {
	o, err := parseOptions(req.Options)
	if err != nil {
		return nil, err
	}
	f := newFetcher(o, s.client, s.sleep, s.now)
	t := newTable()
	if len(o.domains) == 0 {
		if err := scanURL(ctx, f, o.url, t); err != nil {
			return nil, fmt.Errorf("http source %q: %w", req.Source, err)
		}
	} else {
		t.column(DomainColumn)
		for _, d := range o.domains {
			u := strings.ReplaceAll(o.url, "{domain}", url.QueryEscape(d))
			if err := scanURL(ctx, f, u, t, cell{col: 0, val: d}); err != nil {
				return nil, fmt.Errorf("http source %q: domain %s: %w", req.Source, d, err)
			}
		}
	}
	return &connectors.Scan{Records: newReader(t, o.batchSize)}, nil
}

// scanURL fetches raw and its following pages into t.
func scanURL(ctx context.Context, f *fetcher, raw string, t *table, extra ...cell) error {
	first, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("bad url: %v", err)
	}
	o := f.o
	u := first
	seen := map[string]bool{}
	for page := 0; ; page++ {
		if page >= o.page.maxPages {
			return fmt.Errorf("more than max_pages=%d pages", o.page.maxPages)
		}
		if o.page.kind == PagePage {
			u = withPage(first, o.page, o.page.start+page)
		}
		body, err := f.get(ctx, u)
		if err != nil {
			return err
		}
		if !json.Valid(body) {
			return fmt.Errorf("GET %s: response is not JSON%s", f.safeURL(u), snippet(body))
		}
		recs, err := recordsAt(body, o.records)
		if err != nil {
			return fmt.Errorf("GET %s: records: %w", f.safeURL(u), err)
		}
		for i, r := range recs {
			if err := t.add(r, extra...); err != nil {
				return fmt.Errorf("GET %s: record %d: %w", f.safeURL(u), i+1, err)
			}
		}
		switch o.page.kind {
		case PageNone:
			return nil
		case PagePage:
			if len(recs) == 0 {
				return nil
			}
		case PageNextLink:
			seen[u.String()] = true
			next, err := nextLink(body, o.page.next, u)
			if err != nil {
				return fmt.Errorf("GET %s: next link: %w", f.safeURL(u), err)
			}
			if next == nil {
				return nil
			}
			if seen[next.String()] {
				return fmt.Errorf("GET %s: next link repeats a page already read", f.safeURL(u))
			}
			u = next
		}
	}
}

// withPage sets the page (and size) query parameters on u.
func withPage(u *url.URL, p pagination, n int) *url.URL {
	c := *u
	q := c.Query()
	q.Set(p.param, strconv.Itoa(n))
	if p.sizeParam != "" {
		q.Set(p.sizeParam, strconv.Itoa(p.size))
	}
	c.RawQuery = q.Encode()
	return &c
}

// nextLink reads the next page's URL at path; nil when there is none.
// A relative link resolves against cur; another host is refused.
func nextLink(body json.RawMessage, path []string, cur *url.URL) (*url.URL, error) {
	v, err := lookup(body, path)
	if err != nil {
		if strings.Contains(err.Error(), "has no key") {
			return nil, nil // the last page may just omit it
		}
		return nil, err
	}
	s, null, err := text(v)
	if err != nil {
		return nil, err
	}
	if null || strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if kindOf(v) != "a string" {
		return nil, fmt.Errorf("$%s is %s, want a URL string", dotted(path), kindOf(v))
	}
	ref, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("not a URL")
	}
	next := cur.ResolveReference(ref)
	if next.Scheme != cur.Scheme || next.Host != cur.Host {
		return nil, fmt.Errorf("points to another host (%s); refused because headers may hold secrets", next.Host)
	}
	return next, nil
}
