package suppress_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/example/pipeline/pipeline/suppress"
)

// writeList writes a CSV list of n generated values of kind.
func writeList(b *testing.B, kind suppress.Kind, n int) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), string(kind)+".csv")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, kind)
	for i := 0; i < n; i++ {
		switch kind {
		case suppress.Email:
			fmt.Fprintf(w, " Person.%d@Company%d.Example.co.uk\n", i, i%5000)
		case suppress.Phone:
			fmt.Fprintf(w, "020 7%03d %04d\n", i%1000, i/1000)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return p
}

// BenchmarkImport1M imports a 1M-entry raw list into an empty store
// (read_csv, normalise with pl_email/pl_phone, sha256, merge, audit).
func BenchmarkImport1M(b *testing.B) {
	for _, kind := range []suppress.Kind{suppress.Email, suppress.Phone} {
		b.Run(string(kind), func(b *testing.B) {
			path := writeList(b, kind, 1_000_000)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := newStore(b)
				b.StartTimer()
				res, err := s.Import(context.Background(), suppress.ImportRequest{Path: path, Kind: kind, Reason: "unsubscribe"})
				if err != nil {
					b.Fatal(err)
				}
				if res.Added != 1_000_000 {
					b.Fatalf("added %d", res.Added)
				}
			}
		})
	}
}
