package normalize

import (
	"slices"
	"strings"
	"testing"
)

func TestListsLoaded(t *testing.T) {
	tests := []struct {
		name     string
		list     func() []string
		minLen   int
		contains []string
	}{
		{"free webmail", FreeWebmailDomains, 10000, []string{"gmail.com", "outlook.com", "yahoo.com", "hotmail.com"}},
		{"disposable", DisposableDomains, 100000, []string{"mailinator.com", "xn--gmal-nza.net"}},
		{"disposable wildcard", DisposableWildcardDomains, 300, []string{"mailinator.com", "33mail.com"}},
		{"role", RoleLocalParts, 1000, []string{"info", "sales", "noreply", "support"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.list()
			if len(got) < tt.minLen {
				t.Fatalf("%d entries, want at least %d", len(got), tt.minLen)
			}
			for _, want := range tt.contains {
				if !slices.Contains(got, want) {
					t.Errorf("missing %q", want)
				}
			}
			for _, e := range got {
				if e == "" || e != strings.ToLower(strings.TrimSpace(e)) || strings.HasPrefix(e, "#") {
					t.Fatalf("entry %q is not clean", e)
				}
			}
			// The caller owns the slice: changing it must not change the list.
			got[0] = "mutated"
			if tt.list()[0] == "mutated" {
				t.Error("returned slice aliases the package's list")
			}
		})
	}
}

func TestParseList(t *testing.T) {
	l := parseList("# comment\n\nGmail.com \r\ninstágram.com\ngmail.com\nfoo.org # trailing\n", true)
	want := []string{"gmail.com", "xn--instgram-cza.com", "foo.org"}
	if !slices.Equal(l.entries, want) {
		t.Errorf("entries = %q, want %q", l.entries, want)
	}
}

func TestIsFreeWebmail(t *testing.T) {
	tests := []struct {
		give string
		want bool
	}{
		{"gmail.com", true},
		{"Gmail.COM.", true},
		{"outlook.com", true},
		{"example.com", false},
		{"mail.gmail.com", false},
		{"www.gmail.com", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsFreeWebmail(tt.give); got != tt.want {
			t.Errorf("IsFreeWebmail(%q) = %v, want %v", tt.give, got, tt.want)
		}
	}
}

func TestIsDisposable(t *testing.T) {
	tests := []struct {
		give string
		want bool
	}{
		{"mailinator.com", true},
		{"MAILINATOR.com", true},
		{"0-180.com", true},
		{"gmaıl.net", true}, // listed in Unicode, matched via punycode
		{"xn--gmal-nza.net", true},
		{"anything.33mail.com", true}, // wildcard
		{"a.b.mailinator.com", true},  // wildcard, deep
		{"sub.0-180.com", false},      // exact-only entry
		{"xmailinator.com", false},    // suffix but not a label boundary
		{"gmail.com", false},
		{"example.com", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsDisposable(tt.give); got != tt.want {
			t.Errorf("IsDisposable(%q) = %v, want %v", tt.give, got, tt.want)
		}
	}
}

func TestIsRole(t *testing.T) {
	tests := []struct {
		give string
		want bool
	}{
		{"info", true},
		{"INFO", true},
		{"sales", true},
		{"noreply", true},
		{"no-reply", true},
		{"sales.team", true},      // listed as is
		{"info+newsletter", true}, // +tag dropped
		{"info.uk", true},         // country code
		{"info-de", true},
		{"sales-emea", true}, // region word
		{"support_2", true},  // number
		{"hr-team", true},    // role + role
		{"careers.london", false},
		{"sales.john", false},    // role word then a name: a person
		{"per.andersson", false}, // "per" is a role entry and a first name
		{"per", true},
		{"john", false},
		{"john.smith", false},
		{"jo+info", false},
		{"emea.sales", false}, // qualifier first
		{"2020.12", false},    // first token needs a letter
		{"", false},
		{"+info", false},
	}
	for _, tt := range tests {
		if got := IsRole(tt.give); got != tt.want {
			t.Errorf("IsRole(%q) = %v, want %v", tt.give, got, tt.want)
		}
	}
}

func TestClassifyEmail(t *testing.T) {
	tests := []struct {
		give string
		want EmailType
	}{
		{"jo.bloggs@example.com", EmailPersonal},
		{"Jo.Bloggs@Example.com", EmailPersonal},
		{"info@example.com", EmailRole},
		{"info@gmail.com", EmailRole}, // role beats free webmail
		{"jo@gmail.com", EmailFreeWebmail},
		{"jo@mailinator.com", EmailInvalid},   // disposable, though also in the free list
		{"info@mailinator.com", EmailInvalid}, // disposable beats role
		{"jo@x.33mail.com", EmailInvalid},
		{"jo@@example.com", EmailInvalid},
		{"not an email", EmailInvalid},
		{"", EmailInvalid},
	}
	for _, tt := range tests {
		norm, ok := Email(tt.give)
		if got := ClassifyEmail(norm, ok); got != tt.want {
			t.Errorf("ClassifyEmail(Email(%q)) = %q, want %q", tt.give, got, tt.want)
		}
	}
	if got := ClassifyEmail("jo@example.com", false); got != EmailInvalid {
		t.Errorf("ClassifyEmail(_, false) = %q, want %q", got, EmailInvalid)
	}
	if got := ClassifyEmail("no-at-sign", true); got != EmailInvalid {
		t.Errorf("ClassifyEmail(no '@', true) = %q, want %q", got, EmailInvalid)
	}
}

func BenchmarkClassifyEmail(b *testing.B) {
	inputs := []string{"jo.bloggs@example.com", "info@example.com", "jo@gmail.com", "jo@mailinator.com"}
	ClassifyEmail(inputs[0], true) // parse the lists outside the timing
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ClassifyEmail(inputs[i%len(inputs)], true)
	}
}
