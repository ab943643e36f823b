package normalize

import (
	"math/rand/v2"
	"regexp"
	"testing"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

func TestPhone(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		country string
		want    string
		wantOK  bool
	}{
		// GB
		{"GB national", "020 7946 0018", "GB", "+442079460018", true},
		{"GB international with (0)", "+44 (0)20 7946 0018", "GB", "+442079460018", true},
		{"GB international", "+44 20 7946 0018", "GB", "+442079460018", true},
		{"GB 00 prefix", "00 44 20 7946 0018", "GB", "+442079460018", true},
		{"GB compact", "02079460018", "GB", "+442079460018", true},
		{"GB dashes and dots", "020-7946-0018", "gb", "+442079460018", true},
		{"GB via UK alias", "020 7946 0018", "UK", "+442079460018", true},
		{"GB NBSP", "\u00a0020\u00a07946\u00a00018\u00a0", "GB", "+442079460018", true},
		{"GB tel URI", "tel:+44-20-7946-0018", "GB", "+442079460018", true},
		{"GB extension dropped", "020 7946 0018 ext. 12", "GB", "+442079460018", true},
		{"GB mobile", "07400 123456", "GB", "+447400123456", true},
		{"GB drama mobile is not valid", "07700 900123", "GB", "", false},
		// IE
		{"IE from GB via 00", "00 353 1 234 5678", "GB", "+35312345678", true},
		{"IE national", "01 234 5678", "IE", "+35312345678", true},
		{"IE international", "+353 (0)1 234 5678", "IE", "+35312345678", true},
		{"IE mobile", "087 123 4567", "IE", "+353871234567", true},
		// DE
		{"DE national", "030 123456", "DE", "+4930123456", true},
		{"DE international with (0)", "+49 (0)30 123456", "DE", "+4930123456", true},
		{"DE mobile", "0151 12345678", "DE", "+4915112345678", true},
		// FR
		{"FR national", "01 23 45 67 89", "FR", "+33123456789", true},
		{"FR international", "+33 1 23 45 67 89", "FR", "+33123456789", true},
		{"FR mobile", "06 12 34 56 78", "FR", "+33612345678", true},
		// US
		{"US national", "(212) 555-0123", "US", "+12125550123", true},
		{"US with 1", "1-650-253-0000", "US", "+16502530000", true},
		{"US international", "+1 650 253 0000", "US", "+16502530000", true},
		{"US from GB via 00", "00 1 650 253 0000", "GB", "+16502530000", true},
		{"US invalid area code", "+1 555 555 0123", "US", "", false},
		// International forms do not need the country.
		{"international without country", "+44 20 7946 0018", "", "+442079460018", true},
		{"international with other country", "+44 20 7946 0018", "DE", "+442079460018", true},
		// Junk.
		{"national without country", "020 7946 0018", "", "", false},
		{"national with bad country", "020 7946 0018", "Great Britain", "", false},
		{"empty", "", "GB", "", false},
		{"spaces", "  ", "GB", "", false},
		{"n/a", "n/a", "GB", "", false},
		{"letters", "call me", "GB", "", false},
		{"too short", "123", "GB", "", false},
		{"zeros", "0000", "GB", "", false},
		{"too long", "020 7946 00188", "GB", "", false},
		{"unknown country code", "+999 1234567", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Phone(tt.give, tt.country)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Phone(%q, %q) = %q, %v; want %q, %v", tt.give, tt.country, got, ok, tt.want, tt.wantOK)
			}
			if !ok {
				return
			}
			// PossiblePhone accepts everything Phone accepts, identically,
			// and Phone is idempotent on its output.
			if p, pok := PossiblePhone(tt.give, tt.country); p != got || !pok {
				t.Errorf("PossiblePhone(%q, %q) = %q, %v; want %q, true", tt.give, tt.country, p, pok, got)
			}
			if again, ok := Phone(got, ""); again != got || !ok {
				t.Errorf("Phone(%q, \"\") = %q, %v; want it unchanged", got, again, ok)
			}
		})
	}
}

func TestPossiblePhone(t *testing.T) {
	tests := []struct {
		give, country string
		want          string
		wantOK        bool
	}{
		{"07700 900123", "GB", "+447700900123", true},
		{"+1 555 555 0123", "US", "+15555550123", true},
		{"123", "GB", "", false},
		{"0000", "GB", "", false},
		{"n/a", "GB", "", false},
		// possible for libphonenumber, but 16 digits: not E.164 (FuzzPhone)
		{"+4910000000000000", "", "", false},
		{"+49 1000 0000000000", "DE", "", false},
	}
	for _, tt := range tests {
		got, ok := PossiblePhone(tt.give, tt.country)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("PossiblePhone(%q, %q) = %q, %v; want %q, %v", tt.give, tt.country, got, ok, tt.want, tt.wantOK)
		}
	}
}

func BenchmarkPhone(b *testing.B) {
	inputs := []struct{ raw, country string }{
		{"020 7946 0018", "GB"},
		{"+44 (0)20 7946 0018", "GB"},
		{"00 353 1 234 5678", "GB"},
		{"(212) 555-0123", "US"},
		{"n/a", "GB"},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in := inputs[i%len(inputs)]
		Phone(in.raw, in.country)
	}
}

// TestTwoDigitsAgreesWithParse: whatever twoDigits turns away,
// libphonenumber would have rejected too, so the shortcut never changes
// Phone's or PossiblePhone's answer. Fixed junk plus random strings of
// letters, punctuation and at most one digit (ASCII or another script).
func TestTwoDigitsAgreesWithParse(t *testing.T) {
	inputs := []string{"TBC", "n/a", "see switchboard", "ext. 9", "+FLOWERS", "tel:+CALL-NOW", "1-FLOWERS", "１", "x1",
		"+4", "(0)", "0800 FLOWERS", "+1 FLOWERS", "ＡＢＣ-ＤＥＦ-ＧＨＩＪ", "9 MAIN ST",
		"12", "x12", "TBC12", "٣7"} // two digits: Parse accepts these, so the bound is tight
	alphabet := []rune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz+-.() /#*ext:٣१")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var b []rune
		digits := 0
		for range 1 + rng.IntN(16) {
			r := alphabet[rng.IntN(len(alphabet))]
			if unicode.IsDigit(r) {
				if digits == 1 {
					continue
				}
				digits++
			}
			b = append(b, r)
		}
		if rng.IntN(3) == 0 && digits == 0 {
			b = append(b, '7')
		}
		inputs = append(inputs, string(b))
	}
	for _, s := range inputs {
		if twoDigits(s) {
			continue
		}
		for _, region := range []string{"GB", "US", "DE", unknownRegion} {
			if n, err := phonenumbers.Parse(s, region); err == nil {
				t.Fatalf("Parse(%q, %s) = %v, but twoDigits turns it away", s, region, n)
			}
		}
	}
	if !twoDigits("٣ 7") || twoDigits("ext. 9") {
		t.Error("twoDigits miscounts")
	}
}

// TestExtensionShortcut holds the patch in third_party/phonenumbers to
// the library's own patterns: a string MayHaveExtension turns away is one
// EXTN_PATTERN matches nowhere, and on it the viable-number pattern with
// the optional extension part answers as the pattern without it (random
// strings of digits in three scripts, separators, and the characters an
// extension needs). The table: numbers with and without extensions, in
// other scripts and vanity forms, give what unpatched v1.8.1 gave.
func TestExtensionShortcut(t *testing.T) {
	withExtn := regexp.MustCompile("(?i)^(" + phonenumbers.VALID_PHONE_NUMBER + "(?:" + phonenumbers.EXTN_PATTERNS_FOR_PARSING + ")?)$")
	withoutExtn := regexp.MustCompile("(?i)^(" + phonenumbers.VALID_PHONE_NUMBER + ")$")
	plain := []rune("0123456789٠١٢٣٤٥٦٧٨٩０１２３４５６７８９ +-().[]/\u00a0\t\u2010\uff0b")
	marked := []rune("0123456789 +-().xXeEtTnN#＃~～;,ｘintдоб")
	rng := rand.New(rand.NewPCG(3, 4))
	turnedAway := 0
	for i := range 40000 {
		alphabet := plain
		if i%2 == 1 {
			alphabet = marked
		}
		var b []rune
		for range 4 + rng.IntN(22) {
			b = append(b, alphabet[rng.IntN(len(alphabet))])
		}
		s := string(b)
		if phonenumbers.MayHaveExtension(s) {
			continue
		}
		turnedAway++
		if loc := phonenumbers.EXTN_PATTERN.FindStringIndex(s); loc != nil {
			t.Fatalf("MayHaveExtension(%q) = false, but EXTN_PATTERN matches %q", s, s[loc[0]:loc[1]])
		}
		if withExtn.MatchString(s) != withoutExtn.MatchString(s) {
			t.Fatalf("%q: the viable-number pattern answers %v with the extension part, %v without", s, withExtn.MatchString(s), !withExtn.MatchString(s))
		}
	}
	if turnedAway < 20000 {
		t.Fatalf("only %d of 40000 strings took the shortcut", turnedAway)
	}
	for _, s := range []string{"x", "EXT", "#", "＃", "~", "～", ";", ",", "ｘ", "доб", "anexo"} {
		if !phonenumbers.MayHaveExtension("020 7946 0018 " + s + " 12") {
			t.Errorf("MayHaveExtension misses %q", s)
		}
	}

	for _, tt := range []struct {
		give, country string
		possible      string
		possibleOK    bool
		valid         string
		validOK       bool
	}{
		{"020 7946 0018 x123", "GB", "+442079460018", true, "+442079460018", true},
		{"020 7946 0018 ext 123", "GB", "+442079460018", true, "+442079460018", true},
		{"020 7946 0018 extension 4", "GB", "+442079460018", true, "+442079460018", true},
		{"020 7946 0018 #12", "GB", "+442079460018", true, "+442079460018", true},
		{"(212) 555-0123 - 503#", "US", "+12125550123", true, "+12125550123", true},
		{"020 7946 0018,,123", "GB", "+442079460018", true, "+442079460018", true},
		{"020 7946 0018;123", "GB", "+442079460018", true, "+442079460018", true},
		{"tel:+44-20-7946-0018;ext=123", "GB", "+442079460018", true, "+442079460018", true},
		{"+44 20 7946 0018 ~123", "GB", "+442079460018", true, "+442079460018", true},
		{"+44 20 7946 0018 ＃12", "GB", "+442079460018", true, "+442079460018", true},
		{"０２０ ７９４６ ００１８", "GB", "+442079460018", true, "+442079460018", true},
		{"٠٢٠ ٧٩٤٦ ٠٠١٨", "GB", "+442079460018", true, "+442079460018", true},
		{"0800 FLOWERS", "GB", "+448003569377", true, "+448003569377", true},
		{"1-800-FLOWERS", "US", "+18003569377", true, "+18003569377", true},
		{"+44 (0) 20 7946 0018 / 0019", "GB", "", false, "", false},
		{"020 7946 0018 x", "GB", "+442079460018", true, "+442079460018", true},
		{"[020] 7946-0018", "GB", "+442079460018", true, "+442079460018", true},
		{"+44.20.7946.0018", "GB", "+442079460018", true, "+442079460018", true},
		{"020 7946 0018 int 55", "GB", "+442079460018", true, "+442079460018", true},
		{"+353 1 234 5678 доб 12", "IE", "+35312345678", true, "+35312345678", true},
		{"02079460018,12", "GB", "+442079460018", true, "+442079460018", true},
		{"+44 20 7946 0018 anexo 9", "GB", "+442079460018", true, "+442079460018", true},
		{"(020) 7946 0018", "GB", "+442079460018", true, "+442079460018", true},
		{"+44 7400 123456", "", "+447400123456", true, "+447400123456", true},
	} {
		if got, ok := PossiblePhone(tt.give, tt.country); got != tt.possible || ok != tt.possibleOK {
			t.Errorf("PossiblePhone(%q, %q) = %q, %v; want %q, %v", tt.give, tt.country, got, ok, tt.possible, tt.possibleOK)
		}
		if got, ok := Phone(tt.give, tt.country); got != tt.valid || ok != tt.validOK {
			t.Errorf("Phone(%q, %q) = %q, %v; want %q, %v", tt.give, tt.country, got, ok, tt.valid, tt.validOK)
		}
	}
}
