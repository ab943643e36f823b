package normalize

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/example/pipeline/pipeline/normalize/normalizetest"
)

func corpus(tb testing.TB) []normalizetest.Form {
	tb.Helper()
	forms, err := normalizetest.Corpus()
	if err != nil {
		tb.Fatal(err)
	}
	return forms
}

// TestCorpusPeople: in the awkward-inputs corpus every written form of a
// person normalises, and to the same email, domain and phone as the
// person's other forms (the SQL/Go parity test relies on it).
func TestCorpusPeople(t *testing.T) {
	first := map[string][3]string{}
	for _, f := range corpus(t) {
		e, okE := Email(f.Email)
		d, okD := Domain(f.Website)
		p, okP := PossiblePhone(f.Phone, f.Country)
		if !okE || !okD || !okP {
			t.Errorf("awkward.txt:%d: email ok %v, domain ok %v, phone ok %v", f.Line, okE, okD, okP)
			continue
		}
		got := [3]string{e, d, p}
		if want, seen := first[f.Person]; seen && got != want {
			t.Errorf("awkward.txt:%d: %s normalises to %q, the person's first form to %q", f.Line, f.Person, got, want)
		} else if !seen {
			first[f.Person] = got
		}
	}
	if len(first) < 4 {
		t.Errorf("%d people in the corpus", len(first))
	}
}

// FuzzEmail: Email never panics; what it accepts is valid UTF-8 without
// spaces or upper case, one '@', and a fixed point (idempotent); the
// allocation-free AppendEmail and the subject key agree with it.
func FuzzEmail(f *testing.F) {
	for _, c := range corpus(f) {
		f.Add(c.Email)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		norm, ok := Email(raw)
		b, okB := AppendEmail(nil, raw)
		if ok != okB || string(b) != norm {
			t.Fatalf("AppendEmail(%q) = %q %v, Email = %q %v", raw, b, okB, norm, ok)
		}
		if !ok {
			if norm != "" {
				t.Fatalf("Email(%q) refused but returned %q", raw, norm)
			}
			return
		}
		if !utf8.ValidString(norm) || strings.Count(norm, "@") != 1 || len(norm) > maxEmailLen ||
			strings.IndexFunc(norm, unicode.IsSpace) >= 0 || strings.IndexFunc(norm, unicode.IsUpper) >= 0 {
			t.Fatalf("Email(%q) = %q", raw, norm)
		}
		again, ok2 := Email(norm)
		if !ok2 || again != norm {
			t.Fatalf("Email not idempotent: %q -> %q -> %q (%v)", raw, norm, again, ok2)
		}
		if k, _ := EmailKey(raw); k != SubjectKey(norm) {
			t.Fatalf("EmailKey(%q) = %q, SubjectKey(Email) = %q", raw, k, SubjectKey(norm))
		}
	})
}

// FuzzDomain: Domain never panics; what it accepts is lower-case ASCII
// with a dot and no "www." label left in front of a dotted name, and a
// fixed point.
func FuzzDomain(f *testing.F) {
	for _, c := range corpus(f) {
		f.Add(c.Website)
		f.Add(c.Email)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		norm, ok := Domain(raw)
		if !ok {
			if norm != "" {
				t.Fatalf("Domain(%q) refused but returned %q", raw, norm)
			}
			return
		}
		for i := 0; i < len(norm); i++ {
			if c := norm[i]; c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' || c == ' ' {
				t.Fatalf("Domain(%q) = %q: not lower-case ASCII", raw, norm)
			}
		}
		if !strings.Contains(norm, ".") {
			t.Fatalf("Domain(%q) = %q: no dot", raw, norm)
		}
		again, ok2 := Domain(norm)
		if !ok2 || again != norm && !strings.HasPrefix(norm, "www.") {
			t.Fatalf("Domain not idempotent: %q -> %q -> %q (%v)", raw, norm, again, ok2)
		}
	})
}

// FuzzPhone: the phone normalisers never panic; what they accept is E.164
// ("+" and up to 15 digits); every number Phone accepts PossiblePhone
// accepts the same, and reads back to itself from any region. (A number
// that is only possible need not: libphonenumber strips a national prefix
// again from "+358000000", read from "0000000" in AX, giving "+35800000".)
// Both answer as libphonenumber alone does: the fast path changes nothing.
func FuzzPhone(f *testing.F) {
	for _, c := range corpus(f) {
		f.Add(c.Phone, c.Country)
	}
	for _, s := range []string{"+44 (0)20 7946 0123", "01 555 0123", "+1 (212) 555-0123", "+44 1800 2012 34", "0044 20 7946 0123"} {
		f.Add(s, "GB")
	}
	f.Fuzz(func(t *testing.T, raw, country string) {
		comparePaths(t, raw, country)
		p, okP := PossiblePhone(raw, country)
		v, okV := Phone(raw, country)
		if okV && (!okP || v != p) {
			t.Fatalf("Phone(%q, %q) = %q but PossiblePhone = %q %v", raw, country, v, p, okP)
		}
		if !okP {
			if p != "" {
				t.Fatalf("PossiblePhone(%q, %q) refused but returned %q", raw, country, p)
			}
			return
		}
		if len(p) < 3 || len(p) > 16 || p[0] != '+' || strings.Trim(p[1:], "0123456789") != "" {
			t.Fatalf("PossiblePhone(%q, %q) = %q: not E.164", raw, country, p)
		}
		if !okV {
			return
		}
		for _, region := range []string{"", country, "US"} {
			if again, ok := PossiblePhone(p, region); !ok || again != p {
				t.Fatalf("PossiblePhone(%q, %q) = %q %v, want it unchanged (from %q)", p, region, again, ok, raw)
			}
		}
	})
}

// FuzzNameSub: NameSub is in range, ignores the names' order, letter case
// and everything but letters, and files a name with a non-ASCII byte under
// NameSubAll.
func FuzzNameSub(f *testing.F) {
	f.Add("Zoë", "Miller")
	f.Add("Jean-Luc", "O'Brien")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, first, last string) {
		n := NameSub(first, last)
		if n < 0 || n > NameSubAll {
			t.Fatalf("NameSub(%q, %q) = %d", first, last, n)
		}
		if NameSub(last, first) != n || NameSub(first+" "+last, "") != n {
			t.Errorf("NameSub(%q, %q) depends on the order or split of the names", first, last)
		}
		ascii := true
		for i := 0; i < len(first+last); i++ {
			ascii = ascii && (first + last)[i] < 0x80
		}
		if !ascii && n != NameSubAll {
			t.Errorf("NameSub(%q, %q) = %d, want NameSubAll", first, last, n)
		}
		if ascii && NameSub(strings.ToUpper(first), strings.ToLower(last)+".,-") != n {
			t.Errorf("NameSub(%q, %q) depends on letter case or punctuation", first, last)
		}
	})
}
