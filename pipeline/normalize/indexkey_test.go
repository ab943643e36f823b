package normalize

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// emailCorpus is every email-like string the test material has, plus
// decorated and mangled variants of each.
func emailCorpus(t *testing.T) []string {
	t.Helper()
	base := []string{"Jo.Bloggs@Example.COM", "jo@b.com.", "jo@b.com..", " jo@b.com ", "\tjo@b.com\n", "\u00a0jo@b.com\u200b",
		"mailto:JO@b.com", "MAILTO:jo@b.com?subject=hi", "Jo Bloggs <jo@b.com>", "<mailto:jo@b.com>", "jo@xn--bcher-kva.de",
		"jo@XN--BCHER-KVA.DE", "jo@bücher.de", "JÖ@b.com", "jo@b--c.com", "jo@b.com.\t", "jo@@b.com", "@b.com", "jo@",
		"jo.@b.com", "jo@b", "jo@1.2.3.4", "\x1cjo@b.com", "jo@b.com\x1f", "jo@ｂ.com", "jo@b。com", "jo@xn--.com",
		"jo@xn--a.com", "jo@xn--zz-zz.com", "jo@b.com-", "ǅo@b.com", "jo@B.Com.", "jo@b.com. ", "o'brien@b.ie", "a+tag@b.com"}
	for _, name := range []string{"role_based_email_addresses.txt", "free_email_domains.txt", "disposable_email_domains.txt"} {
		f, err := os.Open("../../../shared/testdata/pii/" + name)
		if err != nil {
			t.Fatalf("test material: %v", err)
		}
		sc := bufio.NewScanner(f)
		for n := 0; sc.Scan() && n < 3000; n++ {
			w := strings.TrimSpace(sc.Text())
			if w == "" || strings.HasPrefix(w, "#") {
				continue
			}
			if strings.Contains(w, "@") {
				base = append(base, w)
			} else if strings.Contains(w, ".") {
				base = append(base, "someone@"+w)
			} else {
				base = append(base, w+"@example.org")
			}
		}
		f.Close()
	}
	f, err := os.Open("../../../shared/testdata/pii/presidio_cases.jsonl")
	if err != nil {
		t.Fatalf("test material: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c struct {
			Entity string   `json:"entity"`
			Subs   []string `json:"expected_substrings"`
		}
		if json.Unmarshal(sc.Bytes(), &c) == nil && c.Entity == "EMAIL_ADDRESS" {
			base = append(base, c.Subs...)
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	decorations := []func(string) string{
		strings.ToUpper, func(s string) string { return "  " + s + " " }, func(s string) string { return "\t" + s + "\r\n" },
		func(s string) string { return s + "." }, func(s string) string { return "mailto:" + s },
		func(s string) string { return "Name <" + s + ">" }, func(s string) string { return "\u2060" + s },
		func(s string) string { return strings.Replace(s, "@", "@xn--", 1) }, func(s string) string { return strings.Replace(s, ".", "..", 1) },
	}
	out := append([]string(nil), base...)
	for _, s := range base {
		for range 3 {
			v := s
			for range 1 + rng.IntN(3) {
				v = decorations[rng.IntN(len(decorations))](v)
			}
			out = append(out, v)
		}
	}
	return out
}

// Every raw value that Email accepts gets the key of its normalised form.
func TestEmailIndexKeyIsEmailKey(t *testing.T) {
	valid := 0
	for _, raw := range emailCorpus(t) {
		norm, ok := Email(raw)
		if !ok {
			continue
		}
		valid++
		k, kok := EmailIndexKey(raw)
		if !kok || k != norm {
			t.Errorf("EmailIndexKey(%q) = %q, %v; want %q", raw, k, kok, norm)
		}
	}
	if valid < 1000 {
		t.Fatalf("only %d valid addresses in the corpus", valid)
	}
}

// phoneCorpus: example numbers of many regions in every format, with
// separators rewritten, international prefixes and a national "(0)", plus
// random strings of the fast path's alphabet.
func phoneCorpus() []string {
	regions := []string{"GB", "IE", "US", "CA", "FR", "DE", "NL", "IT", "ES", "AR", "MX", "BR", "RU", "IN", "CN", "JP", "AU", "SH", "FK", "NU", "SE", "CH", "AT", "BE", "SG", "ZA"}
	var out []string
	rng := rand.New(rand.NewPCG(3, 5))
	seps := []string{" ", "-", ".", "/", "", "  "}
	for _, r := range regions {
		for _, typ := range []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE} {
			n := phonenumbers.GetExampleNumberForType(r, typ)
			if n == nil {
				continue
			}
			for _, f := range []phonenumbers.PhoneNumberFormat{phonenumbers.E164, phonenumbers.INTERNATIONAL, phonenumbers.NATIONAL, phonenumbers.RFC3966} {
				s := phonenumbers.Format(n, f)
				out = append(out, s, strings.ReplaceAll(s, " ", seps[rng.IntN(len(seps))]))
				if f == phonenumbers.INTERNATIONAL {
					out = append(out, "00"+strings.TrimPrefix(s, "+"), strings.Replace(s, " ", " (0)", 1), s+" ext. 12", s+" x12", s+"#", s+" 12#", s+",,12", s+";ext=12")
				}
				if f == phonenumbers.NATIONAL {
					out = append(out, "("+s+")", s+"/1", "tel:"+s, s+" (work)", "０"+s)
				}
			}
		}
	}
	alphabet := "0123456789 +-()./"
	for range 20000 {
		var b strings.Builder
		for range 4 + rng.IntN(14) {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		out = append(out, b.String())
	}
	return out
}

// Every raw value that PossiblePhone accepts, in any default region, gets
// the key of its number (when that has enough national digits to key).
func TestPhoneIndexKeyIsPhoneKey(t *testing.T) {
	checked := 0
	for _, raw := range phoneCorpus() {
		for _, country := range []string{"GB", "US", "FR", "AR", "IT", "SH", ""} {
			e164, ok := PossiblePhone(raw, country)
			if !ok {
				continue
			}
			want, keyed := PhoneLookupKey(e164)
			if !keyed {
				continue
			}
			checked++
			k, kok := PhoneIndexKey(raw, country)
			if country == "" && kok && k == KeyAny {
				continue // no country on the row: parsed at search time
			}
			if !kok || k != want {
				t.Errorf("PhoneIndexKey(%q, %q) = %q, %v; want PhoneLookupKey(%s) = %q", raw, country, k, kok, e164, want)
			}
		}
	}
	if checked < 2000 {
		t.Fatalf("only %d numbers checked", checked)
	}
}

func TestKeysAreNeverKeyAny(t *testing.T) {
	for _, raw := range []string{"", " ", "https://", "www.", "http://www.///", "a"} {
		if ProfileIndexKey(raw) == KeyAny {
			t.Errorf("ProfileIndexKey(%q) is KeyAny", raw)
		}
	}
	if ProfileIndexKey("https://www.linkedin.com/in/jö") != KeyAny {
		t.Error("a non-ASCII profile URL must be KeyAny")
	}
	if _, ok := PhoneLookupKey("+29022158"); ok { // Saint Helena: five national digits
		t.Error("a number shorter than PhoneKeyDigits must not be keyed")
	}
	if k, ok := PhoneLookupKey("+35315550767"); !ok || k != "550767" {
		t.Errorf("PhoneLookupKey = %q, %v", k, ok)
	}
}

// NameIndexKey agrees with rights.NameKey where both split the same way
// (the SQL predicate's key is checked against it in pipeline/rights).
func TestNameIndexKey(t *testing.T) {
	for _, tt := range []struct{ give, want string }{
		{"Jo Bloggs", "bloggs jo"}, {"BLOGGS,  jo ", "bloggs jo"}, {"  ", ""}, {"a\tb\nc", "a b c"},
		{"Zoë Hart", AnyName}, {"o'brien  Sean", "o'brien sean"},
	} {
		if got := NameIndexKey(tt.give); got != tt.want {
			t.Errorf("NameIndexKey(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
	if k, ok := PhoneNameIndexKey("020 7946 0123", "GB", "Jo Bloggs"); !ok || k != "460123|bloggs jo" {
		t.Errorf("PhoneNameIndexKey = %q, %v", k, ok)
	}
	if k, ok := PhoneNameIndexKey("ext 9", "", "Jo"); !ok || k != KeyAny {
		t.Errorf("an unparsable phone on a row without country must be KeyAny: %q, %v", k, ok)
	}
}
