package flow

import (
	"context"
	"sync"
	"testing"

	"github.com/example/pipeline/connectors"
	"github.com/example/pipeline/pipeline/connect"
)

// counting wraps the built-in connectors and counts opens and closes.
type counting struct {
	mu            sync.Mutex
	opens, closes map[string]int
	inner         connect.InProcess
}

func newCounting() *counting {
	return &counting{opens: map[string]int{}, closes: map[string]int{}}
}

func (c *counting) count(name string) func() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.opens[name]++
	return func() error {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.closes[name]++
		return nil
	}
}

func (c *counting) Source(ctx context.Context, name string) (connectors.Source, func() error, error) {
	closeFn := c.count("source:" + name)
	s, _, err := c.inner.Source(ctx, name)
	return s, closeFn, err
}

func (c *counting) Sink(ctx context.Context, name string) (connectors.Sink, func() error, error) {
	closeFn := c.count("sink:" + name)
	s, _, err := c.inner.Sink(ctx, name)
	return s, closeFn, err
}

func (c *counting) get(m map[string]int, k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return m[k]
}

// A pool opens each connector once however many callers ask at once,
// retries a failed open, serves a prestarted sink without opening it again,
// closes each connector once, and a pool over a pool leaves the inner
// pool's connectors open.
func TestPool(t *testing.T) {
	ctx := context.Background()
	inner := newCounting()
	p := NewPool(inner)
	var wg sync.WaitGroup
	got := make([]connectors.Source, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, closeFn, err := p.Source(ctx, "csv")
			if err != nil {
				t.Error(err)
				return
			}
			_ = closeFn() // a pooled connector's close func does nothing
			got[i] = s
		}()
	}
	wg.Wait()
	for _, s := range got[1:] {
		if s != got[0] {
			t.Fatal("callers got different instances")
		}
	}
	if n := inner.get(inner.opens, "source:csv"); n != 1 {
		t.Errorf("csv opened %d times", n)
	}
	for range 2 {
		if _, _, err := p.Source(ctx, "nope"); err == nil {
			t.Fatal("unknown connector opened")
		}
	}
	if n := inner.get(inner.opens, "source:nope"); n != 2 {
		t.Errorf("a failed open is retried: %d attempts", n)
	}

	p.PrestartSources(ctx, "csv", "parquet")
	p.PrestartSinks(ctx, "parquet", "parquet")
	if _, _, err := p.Sink(ctx, "parquet"); err != nil {
		t.Fatal(err)
	}
	if n := inner.get(inner.opens, "sink:parquet"); n != 1 {
		t.Errorf("prestarted sink opened %d times", n)
	}
	if _, _, err := p.Source(ctx, "parquet"); err != nil {
		t.Fatal(err)
	}
	if a, b := inner.get(inner.opens, "source:csv"), inner.get(inner.opens, "source:parquet"); a != 1 || b != 1 {
		t.Errorf("prestarted sources: csv opened %d times, parquet %d", a, b)
	}

	outer := NewPool(p)
	if _, _, err := outer.Sink(ctx, "parquet"); err != nil {
		t.Fatal(err)
	}
	if err := outer.Close(); err != nil {
		t.Fatal(err)
	}
	if n := inner.get(inner.closes, "sink:parquet"); n != 0 {
		t.Errorf("closing the outer pool closed the inner pool's sink (%d)", n)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"source:csv", "source:parquet", "sink:parquet"} {
		if n := inner.get(inner.closes, k); n != 1 {
			t.Errorf("%s closed %d times", k, n)
		}
	}
	if n := inner.get(inner.closes, "source:nope"); n != 0 {
		t.Errorf("a connector that failed to open was closed %d times", n)
	}
}
