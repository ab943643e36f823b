package normalize

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestEmail(t *testing.T) {
	tests := []struct {
		name   string
		give   string
		want   string
		wantOK bool
	}{
		{"plain", "jo@example.com", "jo@example.com", true},
		{"upper case everywhere", "Jo.Bloggs@Example.COM", "jo.bloggs@example.com", true},
		{"leading and trailing spaces", "  jo@example.com\t\n", "jo@example.com", true},
		{"NBSP and ideographic space", "\u00a0jo@example.com\u3000", "jo@example.com", true},
		{"zero-width and BOM", "\ufeffjo@example.com\u200b", "jo@example.com", true},
		{"mailto lower", "mailto:jo@example.com", "jo@example.com", true},
		{"mailto any case", "MailTo:Jo@Example.com", "jo@example.com", true},
		{"mailto with header fields", "mailto:jo@example.com?subject=Hi", "jo@example.com", true},
		{"angle brackets", "<jo@example.com>", "jo@example.com", true},
		{"angle brackets with spaces", " < jo@example.com > ", "jo@example.com", true},
		{"angle brackets around mailto", "<mailto:JO@example.com>", "jo@example.com", true},
		{"display name", "Jo Bloggs <jo@example.com>", "jo@example.com", true},
		{"trailing dot on domain", "jo@example.com.", "jo@example.com", true},
		{"unicode domain to punycode", "jörg@bücher.de", "jörg@xn--bcher-kva.de", true},
		{"unicode upper case", "JÖRG@BÜCHER.DE", "jörg@xn--bcher-kva.de", true},
		{"decomposed local part to NFC", "jo\u0308rg@bücher.de", "jörg@xn--bcher-kva.de", true},
		{"punycode stays", "jörg@xn--bcher-kva.de", "jörg@xn--bcher-kva.de", true},
		{"full-width dot in domain", "jo@example\uff0ecom", "jo@example.com", true},
		{"plus tag kept", "jo+news@example.com", "jo+news@example.com", true},
		{"gmail dots kept", "j.o.bloggs@gmail.com", "j.o.bloggs@gmail.com", true},
		{"atext specials", "o'brien_{x}#1@example.co.uk", "o'brien_{x}#1@example.co.uk", true},
		{"subdomain kept", "jo@mail.www.example.com", "jo@mail.www.example.com", true},
		{"64 octet local part", strings.Repeat("a", 64) + "@example.com", strings.Repeat("a", 64) + "@example.com", true},

		{"empty", "", "", false},
		{"only spaces", " \u00a0 ", "", false},
		{"no at", "jo.example.com", "", false},
		{"two at", "jo@bloggs@example.com", "", false},
		{"empty local", "@example.com", "", false},
		{"empty domain", "jo@", "", false},
		{"domain without dot", "jo@localhost", "", false},
		{"space in local", "jo bloggs@example.com", "", false},
		{"space in domain", "jo@exam ple.com", "", false},
		{"NBSP inside", "jo\u00a0@example.com", "", false},
		{"65 octet local part", strings.Repeat("a", 65) + "@example.com", "", false},
		{"leading dot", ".jo@example.com", "", false},
		{"trailing dot in local", "jo.@example.com", "", false},
		{"double dot in local", "j..o@example.com", "", false},
		{"double dot in domain", "jo@example..com", "", false},
		{"quoted local part", `"jo"@example.com`, "", false},
		{"comma", "jo,ann@example.com", "", false},
		{"two addresses", "jo@example.com; ann@example.com", "", false},
		{"label starts with hyphen", "jo@-example.com", "", false},
		{"underscore in domain", "jo@ex_ample.com", "", false},
		{"label too long", "jo@" + strings.Repeat("a", 64) + ".com", "", false},
		{"ip literal", "jo@[192.168.0.1]", "", false},
		{"numeric tld", "jo@192.168.0.1", "", false},
		{"unclosed bracket", "<jo@example.com", "", false},
		{"junk", "n/a", "", false},
		{"mailto only", "mailto:", "", false},
		{"control char", "jo\x00@example.com", "", false},
		{"invalid utf8", "jo\xff@example.com", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Email(tt.give)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Email(%q) = %q, %v; want %q, %v", tt.give, got, ok, tt.want, tt.wantOK)
			}
			if !ok {
				return
			}
			again, ok2 := Email(got)
			if again != got || !ok2 {
				t.Errorf("Email not idempotent: Email(%q) = %q, %v", got, again, ok2)
			}
		})
	}
}

func TestSplitEmail(t *testing.T) {
	tests := []struct {
		give                  string
		wantLocal, wantDomain string
	}{
		{"jo@example.com", "jo", "example.com"},
		{"jörg@xn--bcher-kva.de", "jörg", "xn--bcher-kva.de"},
		{"no-at", "no-at", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		local, domain := SplitEmail(tt.give)
		if local != tt.wantLocal || domain != tt.wantDomain {
			t.Errorf("SplitEmail(%q) = %q, %q; want %q, %q", tt.give, local, domain, tt.wantLocal, tt.wantDomain)
		}
	}
}

func TestSubjectKey(t *testing.T) {
	// printf 'jo@example.com' | sha256sum
	const want = "f4e19df2e6c609fbd59a42b9063d0fadf44260218531ea21ad8c575f205c0453"
	got := SubjectKey("jo@example.com")
	if got != want {
		t.Fatalf("SubjectKey = %q, want %q", got, want)
	}
	if got != Hash("jo@example.com") {
		t.Errorf("SubjectKey and Hash differ for the same input")
	}
	key, ok := EmailKey("  <MAILTO:Jo@Example.com> ")
	if !ok || key != got {
		t.Errorf("EmailKey = %q, %v; want %q, true", key, ok, got)
	}
	if key, ok := EmailKey("not an email"); ok || key != "" {
		t.Errorf("EmailKey(junk) = %q, %v; want \"\", false", key, ok)
	}
}

func BenchmarkEmail(b *testing.B) {
	inputs := []string{
		"Jo.Bloggs@Example.COM",
		" mailto:jo+news@example.co.uk ",
		"Jo Bloggs <jo@example.com>",
		"jörg@bücher.de",
		"not an email",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Email(inputs[i%len(inputs)])
	}
}

// TestEmailFastPathAgrees holds emailASCII to emailFull: wherever the
// fast path decides, both give the same answer. Inputs: written forms of
// real-looking addresses, each edge the fast path checks, and every
// single-byte edit of them.
func TestEmailFastPathAgrees(t *testing.T) {
	seeds := []string{
		"Jo.Bloggs@Example.COM", " jo@example.com ", "jo@example.com.", "jo@-example.com", "jo@example",
		"jo@@example.com", "@example.com", "jo@", ".jo@example.com", "jo.@example.com", "j..o@example.com",
		"jo+tag@sub.example.co.uk", "o'brien@example.ie", "a!#$%&'*+-/=?^_`{|}~@example.com", "jo@xn--bcher-kva.de",
		"jo@ab--cd.com", "jo@1.2.3.4", "jo@example.123", "JO@EXAMPLE.COM", "jo\t@example.com", "jo@exa mple.com",
		strings.Repeat("a", 64) + "@example.com", strings.Repeat("a", 65) + "@example.com",
		"a@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + "." + strings.Repeat("e", 57) + ".com",
		"mailto:jo@example.com", "<jo@example.com>", "jo@example.com>", "jö@example.com", "jo@bücher.de",
		"patrick.wagner@brightwater-foods-389.co.uk", "Kate_Marsh@FENLAND-insurance-141.fr",
	}
	edits := []byte{' ', '.', '@', '-', 'A', 'z', '0', '"', '(', ':', '<', '>', '\t', 0x7f, 0xc3}
	var inputs []string
	for _, s := range seeds {
		inputs = append(inputs, s)
		for i := 0; i <= len(s); i++ {
			for _, e := range edits {
				inputs = append(inputs, s[:i]+string([]byte{e})+s[i:])
				if i < len(s) {
					inputs = append(inputs, s[:i]+string([]byte{e})+s[i+1:])
				}
			}
			if i < len(s) {
				inputs = append(inputs, s[:i]+s[i+1:])
			}
		}
	}
	decided := 0
	for _, in := range inputs {
		norm, ok := Email(in)
		if b, bok := AppendEmail([]byte("x"), in); bok != ok || string(b) != "x"+norm || (ok && EmailBucketBytes(b[1:], 16) != EmailBucket(norm, 16)) {
			t.Errorf("AppendEmail(%q) = %q, %v; Email gives %q, %v", in, b, bok, norm, ok)
		}
		fast, fok, d := emailASCII(in)
		if !d {
			continue
		}
		decided++
		full, ok := emailFull(in)
		if fast != full || fok != ok {
			t.Errorf("%q: fast path %q %v, full path %q %v", in, fast, fok, full, ok)
		}
	}
	if decided < len(inputs)/4 { // most edits add a byte the fast path leaves to the full one
		t.Errorf("the fast path decided %d of %d inputs", decided, len(inputs))
	}
}

// TestEmailSub: the stage's hash remainder (modulo EmailModulus(n)) gives
// the bucket modulo n and the sub-bucket divided by n, for any bucket count.
func TestEmailSub(t *testing.T) {
	for _, n := range []int{1, 7, 16, 64, 1000, 1024} {
		mod := EmailModulus(n)
		if mod%n != 0 || mod > 65536 || mod < 65536-n {
			t.Errorf("EmailModulus(%d) = %d", n, mod)
		}
		subs := map[int]bool{}
		for i := range 2000 {
			e := fmt.Sprintf("user%d@example.com", i)
			v := EmailBucket(e, mod)
			if v%n != EmailBucket(e, n) || v/n != EmailSub(e, n) || EmailSub(e, n) >= mod/n {
				t.Fatalf("n %d, %s: remainder %d, bucket %d, sub %d", n, e, v, EmailBucket(e, n), EmailSub(e, n))
			}
			subs[EmailSub(e, n)] = true
		}
		if len(subs) < min(mod/n, 2000)/2 {
			t.Errorf("n %d: 2000 emails in only %d sub-buckets", n, len(subs))
		}
	}
}

// TestNameSub: the same letters in any order, case or punctuation give
// one sub-bucket; other letters (almost always) another; a non-ASCII name
// NameSubAll.
func TestNameSub(t *testing.T) {
	same := [][2]string{{"Zoe", "Miller"}, {"MILLER", "zoe"}, {"zoe miller", ""}, {"", " Zoe,Miller "}, {"Z.O.E.", "mill-er"}, {"Emil", "Lorez"}}
	for _, p := range same {
		if got, want := NameSub(p[0], p[1]), NameSub("zoe", "miller"); got != want {
			t.Errorf("NameSub(%q, %q) = %d, want %d", p[0], p[1], got, want)
		}
	}
	for _, p := range [][2]string{{"Zoë", "Miller"}, {"ẞ", ""}, {"", "Ørsted"}} {
		if got := NameSub(p[0], p[1]); got != NameSubAll {
			t.Errorf("NameSub(%q, %q) = %d, want %d", p[0], p[1], got, NameSubAll)
		}
	}
	subs := map[int]bool{}
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, 4+r.IntN(6))
		for i := range b {
			b[i] = byte('a' + r.IntN(26))
		}
		return string(b)
	}
	for range 3000 {
		n := NameSub(word(), word())
		if n < 0 || n >= NameSubAll {
			t.Fatalf("NameSub out of range: %d", n)
		}
		subs[n] = true
	}
	if len(subs) < 2900 {
		t.Errorf("3000 names in only %d sub-buckets", len(subs))
	}
	if NameSub("", "") == NameSub("a", "") {
		t.Error("no letters and one letter share a sub-bucket")
	}
}
