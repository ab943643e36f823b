package normalize

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestDomain(t *testing.T) {
	tests := []struct {
		name   string
		give   string
		want   string
		wantOK bool
	}{
		{"bare", "example.com", "example.com", true},
		{"messy url", "HTTPS://WWW.Example.co.uk/about?x=1", "example.co.uk", true},
		{"trailing dot", "example.com.", "example.com", true},
		{"userinfo and port", "http://user@host.com:8080/", "host.com", true},
		{"userinfo with password", "https://user:pw@example.com/", "example.com", true},
		{"scheme-relative", "//www.example.com/x", "example.com", true},
		{"other scheme", "ftp://files.example.org", "files.example.org", true},
		{"no scheme with path", "www.example.com/contact-us", "example.com", true},
		{"query without path", "example.com?utm_source=x", "example.com", true},
		{"fragment", "example.com#team", "example.com", true},
		{"backslash path", `example.com\about`, "example.com", true},
		{"port without path", "example.com:443", "example.com", true},
		{"dangling colon", "example.com:", "example.com", true},
		{"surrounding whitespace and NBSP", "\u00a0 www.Example.com \u00a0", "example.com", true},
		{"email", "Jo@Example.com", "example.com", true},
		{"mailto", "mailto:jo@example.com", "example.com", true},
		{"subdomain kept", "https://shop.example.com", "shop.example.com", true},
		{"only first www dropped", "www.www.example.com", "www.example.com", true},
		{"www with nothing after keeps", "www.com", "www.com", true},
		{"www2 kept", "www2.example.com", "www2.example.com", true},
		{"unicode domain", "https://www.Bücher.de/", "xn--bcher-kva.de", true},
		{"punycode stays", "xn--bcher-kva.de", "xn--bcher-kva.de", true},
		{"full-width characters", "ｅｘａｍｐｌｅ．ｃｏｍ", "example.com", true},
		{"trailing dot and path", "http://example.com./x", "example.com", true},

		{"empty", "", "", false},
		{"spaces", "   ", "", false},
		{"company name", "Acme Ltd", "", false},
		{"single label", "localhost", "", false},
		{"scheme only", "https://", "", false},
		{"ipv4", "http://192.168.0.1/", "", false},
		{"ipv6", "http://[::1]:8080/", "", false},
		{"underscore", "ex_ample.com", "", false},
		{"double dot", "example..com", "", false},
		{"two trailing dots", "example.com..", "", false},
		{"hyphen edge", "-example.com", "", false},
		{"n/a", "n/a", "", false},
		{"label too long", strings.Repeat("a", 64) + ".com", "", false},
		{"non-numeric port", "example.com:http", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Domain(tt.give)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Domain(%q) = %q, %v; want %q, %v", tt.give, got, ok, tt.want, tt.wantOK)
			}
			if !ok {
				return
			}
			if h := Hash(got); len(h) != 64 {
				t.Errorf("Hash(%q) = %q, want 64 hex characters", got, h)
			}
		})
	}
}

func BenchmarkDomain(b *testing.B) {
	inputs := []string{"HTTPS://WWW.Example.co.uk/about?x=1", "example.com", "http://user@host.com:8080/", "bücher.de"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Domain(inputs[i%len(inputs)])
	}
}

// TestPlainHostAgreesWithIDNA: whenever the fast path decides, the IDNA
// path gives the same host. Fixed awkward cases plus random strings over
// letters, digits, hyphens and dots.
func TestPlainHostAgreesWithIDNA(t *testing.T) {
	inputs := []string{"Example.COM", "example.com", "a-b.co.uk", "xn--bcher-kva.de", "ab--cd.com", "-ab.com", "ab-.com",
		"a..b.com", "example.com.", "123.456", "1.2.3.4", "a.b", "WWW.ACME.CO.UK", strings.Repeat("a", 64) + ".com",
		"XN--BCHER-KVA.DE", "a.xn--p1ai", "localhost"}
	alphabet := "abcXYZ019-.-."
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		b := make([]byte, 1+rng.IntN(20))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	decided := 0
	for _, s := range inputs {
		fast, ok := plainHost(s)
		if !ok {
			continue
		}
		decided++
		slow, sok := idnaHost(s)
		if !sok || slow != fast {
			t.Errorf("plainHost(%q) = %q; idnaHost = %q, %v", s, fast, slow, sok)
		}
	}
	if decided < 1000 {
		t.Fatalf("fast path decided only %d inputs", decided)
	}
}

// TestPlainHostValidAgrees: the one-pass plainHostValid answers as the
// character check followed by validHost (the passes it replaced) on
// hosts of letters, digits, hyphens and dots, and on anything else.
func TestPlainHostValidAgrees(t *testing.T) {
	reference := func(s string) bool {
		labelStart := 0
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			case c == '.':
				labelStart = i + 1
			case c == '-':
				if i-labelStart == 3 && s[i-1] == '-' {
					return false
				}
			default:
				return false
			}
		}
		return validHost(s)
	}
	inputs := []string{"", ".", "a.b", "a.1", "1.a", "1.2", "-a.b", "a-.b", "a.-b", "a.b-", "ab--c.d", "abc--d.e",
		"a.b.", ".a.b", "a..b", "xn--p1ai.ru", "a.xn--p1ai", strings.Repeat("a", 63) + ".b", strings.Repeat("a", 64) + ".b",
		strings.Repeat("a.", 126) + "b", strings.Repeat("a.", 127) + "b", "a_b.c", "a b.c", "é.fr", "a.b1-"}
	alphabet := "aZ09-.-.x_"
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	valid := 0
	for _, s := range inputs {
		got, want := plainHostValid(s), reference(s)
		if got != want {
			t.Errorf("plainHostValid(%q) = %v, want %v", s, got, want)
		}
		if got {
			valid++
		}
	}
	if valid < 1000 {
		t.Fatalf("only %d valid hosts among the inputs", valid)
	}
}

// BenchmarkDomainASCII: the forms a company list and email domains mostly
// take (BenchmarkDomain includes an IDNA host, which dominates it).
func BenchmarkDomainASCII(b *testing.B) {
	inputs := []string{"HTTPS://WWW.Example.co.uk/about?x=1", "example.com", "http://user@host.com:8080/", "www.Acme-Widgets.COM", "acme.co.uk "}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Domain(inputs[i%len(inputs)])
	}
}

// TestPathStart: pathStart finds what strings.IndexAny(s, "/?#\\") finds.
func TestPathStart(t *testing.T) {
	alphabet := "ab./?#\\:@é"
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		s := b.String()
		if got, want := pathStart(s), strings.IndexAny(s, "/?#\\"); got != want {
			t.Fatalf("pathStart(%q) = %d, IndexAny = %d", s, got, want)
		}
	}
}
