package http

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	nethttp "net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxBody caps one response body.
const maxBody = 256 << 20

// maxBackoff caps one wait between attempts (Retry-After included).
const maxBackoff = 5 * time.Minute

// fetcher sends the GET requests of one scan: rate-limited, retried with
// exponential backoff and jitter on 429, 5xx and transport errors, with a
// timeout per attempt. Header values are secret and never leave it.
type fetcher struct {
	client  *nethttp.Client
	o       *options
	sleep   func(ctx context.Context, d time.Duration) error
	now     func() time.Time
	limiter *limiter
	visible map[string]bool // query parameters whose values errors may show
}

// newFetcher returns the fetcher of one scan. sleep and now are its clock
// (nil: the real one); a test passes a fake clock whose sleep advances now.
func newFetcher(o *options, client *nethttp.Client, sleep func(context.Context, time.Duration) error, now func() time.Time) *fetcher {
	if client == nil {
		client = &nethttp.Client{}
	}
	c := *client
	// Headers hold secrets: never follow a redirect to another host.
	c.CheckRedirect = func(req *nethttp.Request, via []*nethttp.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
			return fmt.Errorf("refusing redirect to another host (%s): headers may hold secrets", req.URL.Host)
		}
		return nil
	}
	if sleep == nil {
		sleep = sleepCtx
	}
	if now == nil {
		now = time.Now
	}
	visible := map[string]bool{}
	if o.page.kind == PagePage {
		visible[o.page.param] = true
		if o.page.sizeParam != "" {
			visible[o.page.sizeParam] = true
		}
	}
	return &fetcher{client: &c, o: o, sleep: sleep, now: now, limiter: newLimiter(o.rateLimit, sleep, now), visible: visible}
}

// get fetches u and returns its body. Errors name the URL with query
// values hidden (see safeURL), never a header.
func (f *fetcher) get(ctx context.Context, u *url.URL) ([]byte, error) {
	var lastErr error
	for attempt := 0; ; attempt++ {
		if err := f.limiter.wait(ctx); err != nil {
			return nil, err
		}
		body, retryAfter, retry, err := f.attempt(ctx, u)
		if err == nil {
			return body, nil
		}
		lastErr = err
		if !retry || ctx.Err() != nil {
			break
		}
		if attempt >= f.o.retries {
			lastErr = fmt.Errorf("%w (gave up after %d attempts)", err, attempt+1)
			break
		}
		wait := backoff(f.o.backoff, attempt)
		if retryAfter > 0 {
			wait = retryAfter
		}
		if err := f.sleep(ctx, min(wait, maxBackoff)); err != nil {
			break
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("GET %s: %w", f.safeURL(u), err)
	}
	return nil, fmt.Errorf("GET %s: %s", f.safeURL(u), f.scrub(lastErr.Error()))
}

// attempt makes one request. retry says whether a failure is transient.
func (f *fetcher) attempt(ctx context.Context, u *url.URL) (body []byte, retryAfter time.Duration, retry bool, err error) {
	actx, cancel := context.WithTimeout(ctx, f.o.timeout)
	defer cancel()
	req, err := nethttp.NewRequestWithContext(actx, nethttp.MethodGet, u.String(), nil)
	if err != nil {
		return nil, 0, false, errors.New("bad request URL")
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range f.o.headers {
		req.Header.Set(k, v)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		// *url.Error repeats the full URL (query secrets included): keep
		// only its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return nil, 0, true, fmt.Errorf("timeout after %s", f.o.timeout)
		}
		return nil, 0, true, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return nil, 0, true, fmt.Errorf("timeout after %s reading the body", f.o.timeout)
		}
		return nil, 0, true, fmt.Errorf("read body: %w", err)
	}
	if len(body) > maxBody {
		return nil, 0, false, fmt.Errorf("response larger than %d MiB", maxBody>>20)
	}
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return body, 0, false, nil
	case code == nethttp.StatusTooManyRequests || code >= 500:
		return nil, parseRetryAfter(resp.Header.Get("Retry-After"), f.now()), true,
			fmt.Errorf("status %s%s", resp.Status, snippet(body))
	default:
		return nil, 0, false, fmt.Errorf("status %s%s", resp.Status, snippet(body))
	}
}

// snippet is the start of an error body, for the message.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if s == "" {
		return ""
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return ": " + s
}

// scrub removes header values (secrets) from a message.
func (f *fetcher) scrub(s string) string {
	for _, v := range f.o.headers {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}

// safeURL is u for messages: no user info, and the value of every query
// parameter hidden except the pagination ones (API keys often ride in the
// query string).
func (f *fetcher) safeURL(u *url.URL) string {
	c := *u
	c.User = nil
	c.Fragment = ""
	if c.RawQuery != "" {
		q := c.Query()
		var parts []string
		for k, vs := range q {
			for _, v := range vs {
				if !f.visible[k] {
					v = "REDACTED"
				}
				parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
			}
		}
		slices.Sort(parts)
		c.RawQuery = strings.Join(parts, "&")
	}
	return c.String()
}

// backoff is the wait before retry attempt+1: base·2^attempt with full
// jitter in [½, 1] of that, capped at maxBackoff.
func backoff(base time.Duration, attempt int) time.Duration {
	d := base << min(attempt, 20)
	if d <= 0 || d > maxBackoff {
		d = maxBackoff
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date; 0 when
// absent or unparsable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := nethttp.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// limiter spaces request starts at least 1/rate apart (no bursts).
type limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
	sleep    func(context.Context, time.Duration) error
	now      func() time.Time
}

func newLimiter(rate float64, sleep func(context.Context, time.Duration) error, now func() time.Time) *limiter {
	l := &limiter{sleep: sleep, now: now}
	if rate > 0 {
		l.interval = time.Duration(float64(time.Second) / rate)
	}
	return l
}

func (l *limiter) wait(ctx context.Context) error {
	if l.interval == 0 {
		return ctx.Err()
	}
	l.mu.Lock()
	now := l.now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.interval)
	l.mu.Unlock()
	return l.sleep(ctx, at.Sub(now))
}
