package http

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/example/pipeline/connectors"
)

// fakeSleep is the scan's clock in tests: sleep records the wait and
// moves now on by it, at once.
type fakeSleep struct {
	mu    sync.Mutex
	waits []time.Duration
	at    time.Time
}

func (f *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.waits = append(f.waits, d)
	f.at = f.at.Add(d)
	f.mu.Unlock()
	return ctx.Err()
}

func (f *fakeSleep) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.at
}

func testSource() (*Source, *fakeSleep) {
	fs := &fakeSleep{at: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	return &Source{sleep: fs.sleep, now: fs.now}, fs
}

// scanAll runs a scan and returns its schema and rows as maps (nulls absent).
func scanAll(t *testing.T, s *Source, opts connectors.Options) (*arrow.Schema, []map[string]string) {
	t.Helper()
	scan, err := s.Scan(context.Background(), connectors.ScanRequest{Source: "vendor", Options: opts})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	defer scan.Records.Close()
	schema := scan.Records.Schema()
	var rows []map[string]string
	for {
		b, err := scan.Records.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !b.Schema().Equal(schema) {
			t.Fatalf("batch schema %s differs from %s", b.Schema(), schema)
		}
		for i := 0; i < int(b.NumRows()); i++ {
			row := map[string]string{}
			for j, f := range schema.Fields() {
				if !b.Column(j).IsNull(i) {
					row[f.Name] = b.Column(j).ValueStr(i)
				}
			}
			rows = append(rows, row)
		}
		b.Release()
	}
	return schema, rows
}

func names(s *arrow.Schema) string {
	var n []string
	for _, f := range s.Fields() {
		n = append(n, f.Name)
	}
	return strings.Join(n, ",")
}

func writeJSON(w nethttp.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		give connectors.Options
		want string
	}{
		{"ok", connectors.Options{"url": "https://api.example.com/people", "records": "data.people"}, ""},
		{"templated", connectors.Options{"url": "https://api.example.com/c/{domain}", "domains": []any{"acme.com"}}, ""},
		{"page", connectors.Options{"url": "https://x.example/p", "pagination": map[string]any{"type": "page", "size_param": "per_page", "size": int64(50)}}, ""},
		{"no url", connectors.Options{}, `"url": required`},
		{"relative url", connectors.Options{"url": "/people"}, "absolute"},
		{"template without domains", connectors.Options{"url": "https://x.example/{domain}"}, "domains"},
		{"domains without template", connectors.Options{"url": "https://x.example/", "domains": []any{"a.com"}}, "no {domain}"},
		{"bad pagination", connectors.Options{"url": "https://x.example/", "pagination": map[string]any{"type": "cursor"}}, "pagination.type"},
		{"next without path", connectors.Options{"url": "https://x.example/", "pagination": map[string]any{"type": "next_link"}}, "pagination.next"},
		{"size alone", connectors.Options{"url": "https://x.example/", "pagination": map[string]any{"type": "page", "size": 10}}, "size_param"},
		{"bad timeout", connectors.Options{"url": "https://x.example/", "timeout": "soon"}, "timeout"},
		{"bad retries", connectors.Options{"url": "https://x.example/", "retries": -1}, "retries"},
		{"bad rate", connectors.Options{"url": "https://x.example/", "rate_limit": "fast"}, "rate_limit"},
		{"bad header", connectors.Options{"url": "https://x.example/", "headers": map[string]any{"X-Key": []any{"s3cret"}}}, `"X-Key"`},
		{"bad records", connectors.Options{"url": "https://x.example/", "records": "data..people"}, "records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := NewSource().Validate(context.Background(), tt.give)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, connectors.ErrBadOptions) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want ErrBadOptions with %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("error leaks a header value: %v", err)
			}
		})
	}
}

// TestRecordsPathAndColumns: the records path, union of keys in first-seen
// order, nested values as JSON text, nulls, the header sent.
func TestRecordsPathAndColumns(t *testing.T) {
	var gotKey atomic.Value
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		gotKey.Store(r.Header.Get("X-Api-Key"))
		io.WriteString(w, `{"meta": {"total": 3}, "data": {"people": [
			{"name": "Ann", "email": "ann@acme.com", "age": 41},
			{"email": "bob@acme.com", "name": "Bob", "roles": ["cfo", "board"], "phone": null},
			{"name": "Cy", "address": {"city": "Leeds", "zip": "LS1"}, "score": 1.50, "vip": true}
		]}}`)
	}))
	defer srv.Close()
	s, _ := testSource()
	schema, rows := scanAll(t, s, connectors.Options{"url": srv.URL + "/people", "records": "$.data.people",
		"headers": map[string]any{"X-Api-Key": "k-123456"}})
	if got := gotKey.Load(); got != "k-123456" {
		t.Fatalf("header X-Api-Key = %v", got)
	}
	if got, want := names(schema), "name,email,age,roles,phone,address,score,vip"; got != want {
		t.Fatalf("columns %s, want %s", got, want)
	}
	for _, f := range schema.Fields() {
		if f.Type.ID() != arrow.STRING {
			t.Errorf("%s is %s, want string", f.Name, f.Type)
		}
	}
	want := []map[string]string{
		{"name": "Ann", "email": "ann@acme.com", "age": "41"},
		{"name": "Bob", "email": "bob@acme.com", "roles": `["cfo","board"]`},
		{"name": "Cy", "address": `{"city":"Leeds","zip":"LS1"}`, "score": "1.50", "vip": "true"},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Fatalf("rows\n%v\nwant\n%v", rows, want)
	}
}

func TestRecordsPathErrors(t *testing.T) {
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		switch r.URL.Path {
		case "/obj":
			io.WriteString(w, `{"data": {"items": []}, "links": {}}`)
		case "/scalar":
			io.WriteString(w, `{"data": [1, 2]}`)
		case "/html":
			io.WriteString(w, `<html>maintenance</html>`)
		}
	}))
	defer srv.Close()
	s, _ := testSource()
	tests := []struct{ path, records, want string }{
		{"/obj", "data.people", `$.data has no key "people" (keys: items)`},
		{"/obj", "links", "want an array"},
		{"/scalar", "data", "want a JSON object, got a number"},
		{"/html", "", "not JSON"},
	}
	for _, tt := range tests {
		_, err := s.Scan(context.Background(), connectors.ScanRequest{Source: "v",
			Options: connectors.Options{"url": srv.URL + tt.path, "records": tt.records}})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %s: err = %v, want %q", tt.path, tt.records, err, tt.want)
		}
	}
}

func TestPaginationNextLink(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		calls.Add(1)
		cursor, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
		resp := map[string]any{"results": []any{map[string]any{"id": cursor*2 + 1}, map[string]any{"id": cursor*2 + 2}}}
		switch cursor {
		case 0: // absolute link
			resp["links"] = map[string]any{"next": "http://" + r.Host + "/people?cursor=1&token=s3cret"}
		case 1: // relative link
			resp["links"] = map[string]any{"next": "/people?cursor=2"}
		case 2: // last page: null
			resp["links"] = map[string]any{"next": nil}
		}
		writeJSON(w, resp)
	}))
	defer srv.Close()
	s, _ := testSource()
	schema, rows := scanAll(t, s, connectors.Options{"url": srv.URL + "/people", "records": "results",
		"pagination": map[string]any{"type": "next_link", "next": "links.next"}, "batch_size": 4})
	if calls.Load() != 3 || len(rows) != 6 || names(schema) != "id" {
		t.Fatalf("calls=%d rows=%v", calls.Load(), rows)
	}
	for i, r := range rows {
		if r["id"] != strconv.Itoa(i+1) {
			t.Fatalf("row %d = %v", i, r)
		}
	}
}

func TestNextLinkRefusesOtherHostAndLoops(t *testing.T) {
	other := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		t.Errorf("request reached the other host, with X-Key=%q", r.Header.Get("X-Key"))
	}))
	defer other.Close()
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		switch r.URL.Path {
		case "/away":
			writeJSON(w, map[string]any{"items": []any{}, "next": other.URL + "/steal"})
		case "/loop":
			writeJSON(w, map[string]any{"items": []any{}, "next": "/loop"})
		case "/redirect":
			nethttp.Redirect(w, r, other.URL+"/steal", nethttp.StatusFound)
		}
	}))
	defer srv.Close()
	s, _ := testSource()
	for path, want := range map[string]string{"/away": "another host", "/loop": "repeats", "/redirect": "another host"} {
		_, err := s.Scan(context.Background(), connectors.ScanRequest{Source: "v", Options: connectors.Options{
			"url": srv.URL + path, "records": "items", "headers": map[string]any{"X-Key": "s3cret-key"},
			"pagination": map[string]any{"type": "next_link", "next": "next"}, "retries": 0}})
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: err = %v, want %q", path, err, want)
		}
	}
}

func TestPaginationPage(t *testing.T) {
	var seen []string
	var mu sync.Mutex
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		mu.Lock()
		seen = append(seen, r.URL.RawQuery)
		mu.Unlock()
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		size, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		var items []any
		if page <= 3 { // pages 1..3 full, 4 empty
			for i := 0; i < size; i++ {
				items = append(items, map[string]any{"n": (page-1)*size + i})
			}
		}
		writeJSON(w, map[string]any{"data": map[string]any{"items": items}})
	}))
	defer srv.Close()
	s, _ := testSource()
	_, rows := scanAll(t, s, connectors.Options{"url": srv.URL + "/list?q=cfo", "records": "data.items",
		"pagination": map[string]any{"type": "page", "param": "page", "start": 1, "size_param": "per_page", "size": 2}})
	if len(rows) != 6 || rows[5]["n"] != "5" {
		t.Fatalf("rows = %v", rows)
	}
	want := []string{"page=1&per_page=2&q=cfo", "page=2&per_page=2&q=cfo", "page=3&per_page=2&q=cfo", "page=4&per_page=2&q=cfo"}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Fatalf("queries %v, want %v", seen, want)
	}

	// max_pages guards against an API that never ends.
	endless := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		writeJSON(w, []any{map[string]any{"x": 1}})
	}))
	defer endless.Close()
	_, err := s.Scan(context.Background(), connectors.ScanRequest{Source: "v", Options: connectors.Options{
		"url": endless.URL, "pagination": map[string]any{"type": "page", "max_pages": 5}}})
	if err == nil || !strings.Contains(err.Error(), "max_pages=5") {
		t.Fatalf("endless: %v", err)
	}
}

func TestDomainTemplate(t *testing.T) {
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		d := strings.TrimPrefix(r.URL.Path, "/companies/")
		writeJSON(w, map[string]any{"people": []any{map[string]any{"email": "cfo@" + d}}})
	}))
	defer srv.Close()
	s, _ := testSource()
	schema, rows := scanAll(t, s, connectors.Options{"url": srv.URL + "/companies/{domain}", "records": "people",
		"domains": []any{"acme.com", "globex.co.uk"}})
	if names(schema) != "_domain,email" {
		t.Fatalf("columns %s", names(schema))
	}
	want := []map[string]string{{"_domain": "acme.com", "email": "cfo@acme.com"}, {"_domain": "globex.co.uk", "email": "cfo@globex.co.uk"}}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Fatalf("rows %v", rows)
	}
}

// TestRetry429ThenSuccess: 429 with Retry-After, then 503 without it, then 200.
func TestRetry429ThenSuccess(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(nethttp.StatusTooManyRequests)
		case 2:
			w.WriteHeader(nethttp.StatusServiceUnavailable)
		default:
			writeJSON(w, []any{map[string]any{"ok": true}})
		}
	}))
	defer srv.Close()
	s, fs := testSource()
	_, rows := scanAll(t, s, connectors.Options{"url": srv.URL, "backoff": "100ms"})
	if len(rows) != 1 || calls.Load() != 3 {
		t.Fatalf("rows=%v calls=%d", rows, calls.Load())
	}
	if len(fs.waits) != 2 || fs.waits[0] != 7*time.Second {
		t.Fatalf("waits %v: want Retry-After 7s first", fs.waits)
	}
	if fs.waits[1] < 100*time.Millisecond || fs.waits[1] > 200*time.Millisecond {
		t.Fatalf("second wait %v: want backoff 100ms·2 with jitter in [100ms, 200ms]", fs.waits[1])
	}
}

// TestRetriesExhausted: 500 every time → a clear error naming the URL with
// query values hidden, after 1 + retries attempts; 4xx is not retried.
func TestRetriesExhausted(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		calls.Add(1)
		if r.URL.Path == "/forbidden" {
			nethttp.Error(w, `{"error": "bad key"}`, nethttp.StatusForbidden)
			return
		}
		nethttp.Error(w, "database on fire", nethttp.StatusInternalServerError)
	}))
	defer srv.Close()
	s, fs := testSource()
	_, err := s.Scan(context.Background(), connectors.ScanRequest{Source: "vendor", Options: connectors.Options{
		"url": srv.URL + "/people?api_key=TOPSECRET&page=1", "retries": 2}})
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	t.Log(msg)
	for _, want := range []string{`http source "vendor"`, srv.URL + "/people?api_key=REDACTED", "500 Internal Server Error",
		"database on fire", "gave up after 3 attempts"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "TOPSECRET") {
		t.Fatalf("error leaks the query secret: %s", msg)
	}
	if calls.Load() != 3 || len(fs.waits) != 2 {
		t.Fatalf("calls=%d waits=%v", calls.Load(), fs.waits)
	}

	calls.Store(0)
	_, err = s.Scan(context.Background(), connectors.ScanRequest{Source: "vendor", Options: connectors.Options{"url": srv.URL + "/forbidden"}})
	if err == nil || !strings.Contains(err.Error(), "403 Forbidden") || calls.Load() != 1 {
		t.Fatalf("403: err=%v calls=%d (want no retry)", err, calls.Load())
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	s, fs := testSource()
	_, err := s.Scan(context.Background(), connectors.ScanRequest{Source: "slow", Options: connectors.Options{
		"url": srv.URL + "/x?token=abc", "timeout": "150ms", "retries": 1, "headers": map[string]any{"Authorization": "Bearer zzzz-secret"}}})
	if err == nil || !strings.Contains(err.Error(), "timeout after 150ms") || !strings.Contains(err.Error(), "gave up after 2 attempts") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "abc") || strings.Contains(err.Error(), "zzzz") {
		t.Fatalf("error leaks a secret: %v", err)
	}
	if len(fs.waits) != 1 { // one backoff between the two attempts
		t.Fatalf("waits %v", fs.waits)
	}

	// The caller's ctx ends the scan (no retry), reported as such.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = s.Scan(ctx, connectors.ScanRequest{Source: "slow", Options: connectors.Options{"url": srv.URL}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ctx timeout: %v", err)
	}
}

// TestRateLimit: request starts are 1/rate apart on the scan's clock, a
// fake one (the limiter's arithmetic is the subject, not the machine's
// speed); the first request does not wait.
func TestRateLimit(t *testing.T) {
	s, fs := testSource()
	var mu sync.Mutex
	var starts []time.Time
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		mu.Lock()
		starts = append(starts, fs.now())
		mu.Unlock()
		writeJSON(w, []any{})
	}))
	defer srv.Close()
	scanAll(t, s, connectors.Options{"url": srv.URL + "/{domain}", "domains": []any{"a", "b", "c", "d", "e"}, "rate_limit": 20})
	if len(starts) != 5 {
		t.Fatalf("requests = %d, want 5", len(starts))
	}
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap != 50*time.Millisecond {
			t.Errorf("request %d started %v after the one before, want 50ms (20/s)", i+1, gap)
		}
	}
	if want := []time.Duration{0, 50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond}; !slices.Equal(fs.waits, want) {
		t.Errorf("waits %v, want %v", fs.waits, want)
	}
}

// The real sleep ends with its context, and at once for no wait.
func TestSleepCtx(t *testing.T) {
	if err := sleepCtx(context.Background(), 0); err != nil {
		t.Fatalf("sleepCtx(0) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("sleepCtx(cancelled, 1h) = %v, want context.Canceled", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		give string
		want time.Duration
	}{
		{"", 0}, {"5", 5 * time.Second}, {"-1", 0}, {"soon", 0},
		{now.Add(90 * time.Second).Format(nethttp.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(nethttp.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.give, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.give, got, tt.want)
		}
	}
}

func TestEmptyResult(t *testing.T) {
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		io.WriteString(w, `{"results": null}`)
	}))
	defer srv.Close()
	s, _ := testSource()
	schema, rows := scanAll(t, s, connectors.Options{"url": srv.URL, "records": "results"})
	if schema.NumFields() != 0 || len(rows) != 0 {
		t.Fatalf("schema %s rows %v", schema, rows)
	}
}
