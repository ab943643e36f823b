package http

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/example/pipeline/connectors"
)

// Defaults of the options.
const (
	DefaultRetries   = 3
	DefaultTimeout   = 30 * time.Second
	DefaultBackoff   = 500 * time.Millisecond
	DefaultBatchSize = 10000
	DefaultMaxPages  = 10000
	// DomainColumn is the column added to every record when the url option
	// templates {domain}: the domain the record was fetched for.
	DomainColumn = "_domain"
)

// Pagination kinds.
const (
	PageNone     = ""
	PageNextLink = "next_link"
	PagePage     = "page"
)

// pagination is the parsed pagination option.
type pagination struct {
	kind      string
	next      []string // next_link: path to the next URL in the body
	param     string   // page: query parameter of the page number
	start     int
	sizeParam string
	size      int
	maxPages  int
}

// options are a Source's parsed options.
type options struct {
	url       string // may hold {domain}
	domains   []string
	headers   map[string]string
	records   []string // path to the array of records
	page      pagination
	rateLimit float64 // requests per second; 0 = unlimited
	retries   int
	timeout   time.Duration
	backoff   time.Duration
	batchSize int
}

func badOption(name, format string, args ...any) error {
	return fmt.Errorf("%w: http: option %q: %s", connectors.ErrBadOptions, name, fmt.Sprintf(format, args...))
}

func parseOptions(opts connectors.Options) (*options, error) {
	o := &options{retries: DefaultRetries, timeout: DefaultTimeout, backoff: DefaultBackoff, batchSize: DefaultBatchSize}
	o.url = strings.TrimSpace(opts.String("url"))
	if o.url == "" {
		return nil, badOption("url", "required")
	}
	probe := strings.ReplaceAll(o.url, "{domain}", "example.com")
	u, err := url.Parse(probe)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, badOption("url", "want an absolute http(s) URL")
	}
	templated := strings.Contains(o.url, "{domain}")
	if v, ok := opts["domains"]; ok && v != nil {
		if o.domains, err = stringList(v); err != nil {
			return nil, badOption("domains", "%v", err)
		}
	}
	switch {
	case templated && len(o.domains) == 0:
		return nil, badOption("domains", "required (a non-empty list) when url contains {domain}")
	case !templated && len(o.domains) > 0:
		return nil, badOption("domains", "set, but url has no {domain} to put them in")
	}
	if v, ok := opts["headers"]; ok && v != nil {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, badOption("headers", "want a map of header names to values")
		}
		o.headers = make(map[string]string, len(m))
		for k, hv := range m {
			s, ok := scalarString(hv)
			if !ok {
				// The value is secret: name the header, never its value.
				return nil, badOption("headers", "value of %q must be a string", k)
			}
			o.headers[k] = s
		}
	}
	if o.records, err = parsePath(opts.String("records")); err != nil {
		return nil, badOption("records", "%v", err)
	}
	if o.page, err = parsePagination(opts["pagination"]); err != nil {
		return nil, err
	}
	if v, ok := opts["rate_limit"]; ok && v != nil {
		f, ok := number(v)
		if !ok || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, badOption("rate_limit", "want requests per second, a number >= 0")
		}
		o.rateLimit = f
	}
	if o.retries, err = intOpt(opts, "retries", DefaultRetries, 0); err != nil {
		return nil, err
	}
	if o.batchSize, err = intOpt(opts, "batch_size", DefaultBatchSize, 1); err != nil {
		return nil, err
	}
	if o.timeout, err = durationOpt(opts, "timeout", DefaultTimeout); err != nil {
		return nil, err
	}
	if o.backoff, err = durationOpt(opts, "backoff", DefaultBackoff); err != nil {
		return nil, err
	}
	return o, nil
}

func parsePagination(v any) (pagination, error) {
	p := pagination{maxPages: DefaultMaxPages, start: 1}
	if v == nil {
		return p, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return p, badOption("pagination", "want a map such as {type: next_link, next: links.next}")
	}
	opts := connectors.Options(m)
	var err error
	if p.maxPages, err = intOpt(opts, "max_pages", DefaultMaxPages, 1); err != nil {
		return p, err
	}
	switch p.kind = opts.String("type"); p.kind {
	case PageNextLink:
		next := opts.String("next")
		if next == "" {
			return p, badOption("pagination.next", "required for type next_link: the path of the next page's URL, like links.next")
		}
		if p.next, err = parsePath(next); err != nil || len(p.next) == 0 {
			return p, badOption("pagination.next", "want a path like links.next")
		}
	case PagePage:
		if p.param = opts.String("param"); p.param == "" {
			p.param = "page"
		}
		if p.start, err = intOpt(opts, "start", 1, 0); err != nil {
			return p, err
		}
		p.sizeParam = opts.String("size_param")
		if p.size, err = intOpt(opts, "size", 0, 0); err != nil {
			return p, err
		}
		if (p.sizeParam == "") != (p.size == 0) {
			return p, badOption("pagination.size", "size_param and size go together")
		}
	default:
		return p, badOption("pagination.type", "want %q or %q, got %q", PageNextLink, PagePage, p.kind)
	}
	return p, nil
}

// parsePath parses a simple JSON path: "data.people", "$.results",
// "items.0.rows"; "" and "$" mean the body itself.
func parsePath(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "$")
	s = strings.TrimPrefix(s, ".")
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ".")
	for _, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("empty segment in path %q", s)
		}
	}
	return parts, nil
}

func stringList(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		if ss, ok := v.([]string); ok {
			list = make([]any, len(ss))
			for i, s := range ss {
				list[i] = s
			}
		} else {
			return nil, fmt.Errorf("want a list of strings")
		}
	}
	out := make([]string, 0, len(list))
	for i, x := range list {
		s, ok := x.(string)
		if !ok || strings.TrimSpace(s) == "" {
			return nil, fmt.Errorf("item %d: want a non-empty string", i+1)
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out, nil
}

func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int, int64, float64, bool:
		return fmt.Sprint(x), true
	}
	return "", false
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		return f, err == nil
	}
	return 0, false
}

func intOpt(opts connectors.Options, name string, def, min int) (int, error) {
	v, ok := opts[name]
	if !ok || v == nil {
		return def, nil
	}
	f, ok := number(v)
	if !ok || f != math.Trunc(f) || f < float64(min) || f > math.MaxInt32 {
		return 0, badOption(name, "want an integer >= %d", min)
	}
	return int(f), nil
}

// durationOpt reads a duration given as "30s"/"1m" or as seconds.
func durationOpt(opts connectors.Options, name string, def time.Duration) (time.Duration, error) {
	v, ok := opts[name]
	if !ok || v == nil {
		return def, nil
	}
	if s, ok := v.(string); ok {
		if d, err := time.ParseDuration(strings.TrimSpace(s)); err == nil && d > 0 {
			return d, nil
		}
	}
	if f, ok := number(v); ok && f > 0 {
		return time.Duration(f * float64(time.Second)), nil
	}
	return 0, badOption(name, "want a positive duration like 30s or a number of seconds")
}
