package normalize

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// phoneFull and possiblePhoneFull are Phone and PossiblePhone without the
// fast path: libphonenumber alone, as before it existed.
func phoneFull(raw, country string) (string, bool) {
	n, ok := parseFull(raw, country)
	if !ok || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	return formatE164(n)
}

func possiblePhoneFull(raw, country string) (string, bool) {
	n, ok := parseFull(raw, country)
	if !ok || phonenumbers.IsPossibleNumberWithReason(n) != phonenumbers.IS_POSSIBLE {
		return "", false
	}
	return formatE164(n)
}

func parseFull(raw, country string) (*phonenumbers.PhoneNumber, bool) {
	s := trim(raw)
	if !twoDigits(s) {
		return nil, false
	}
	n, err := phonenumbers.Parse(s, region(country))
	return n, err == nil
}

// phoneForm writes a random number in one of many forms: international
// ("+CC", "00CC", "+CC (0)", CC without '+'), national (with and without
// the trunk 0), with separators, extensions, tel: URIs, wrong lengths,
// calling codes of many countries (some unknown, some with national
// prefixes other than 0, Italian leading zeros), and plain noise.
func phoneForm(rng *rand.Rand) string {
	ccs := []string{"44", "44", "44", "353", "353", "49", "33", "31", "1", "1", "39", "7", "34", "61", "55", "81", "800", "999", "0", "3", "4"}
	cc := ccs[rng.IntN(len(ccs))]
	nsn := randDigits(rng, 1+rng.IntN(16))
	switch rng.IntN(8) {
	case 0: // realistic lengths and leading digits for the dominant countries
		nsn = []string{"20", "113", "7400", "1", "87", "30", "151", "6", "20", "212", "650", "8", "9", "0", "00"}[rng.IntN(15)] + randDigits(rng, 5+rng.IntN(5))
	case 2: // GB's other national prefix for parsing: kept where the whole is a valid pattern
		nsn = "180020" + randDigits(rng, 2+rng.IntN(8))
	case 1:
		nsn = "0" + nsn
	}
	var b strings.Builder
	switch rng.IntN(12) {
	case 0, 1, 2:
		b.WriteString("+" + cc + sep(rng))
	case 3:
		b.WriteString("+" + cc + " (0)")
	case 4:
		b.WriteString("00" + sep(rng) + cc + sep(rng))
	case 5, 6:
		b.WriteString("0")
	case 7:
		b.WriteString(cc + sep(rng))
	case 8:
		b.WriteString("tel:+" + cc + "-")
	case 9:
		b.WriteString("(0" + nsn[:min(2, len(nsn))] + ") ")
		nsn = nsn[min(2, len(nsn)):]
	case 10:
		b.WriteString("++" + cc)
	}
	for len(nsn) > 0 {
		k := min(1+rng.IntN(4), len(nsn))
		b.WriteString(nsn[:k])
		nsn = nsn[k:]
		b.WriteString(sep(rng))
	}
	switch rng.IntN(10) {
	case 0:
		b.WriteString(" ext. " + randDigits(rng, 1+rng.IntN(4)))
	case 1:
		b.WriteString([]string{" x12", "#5", ";ext=7", " / 0019", "a", "  ", "\u00a0", ")"}[rng.IntN(8)])
	}
	return b.String()
}

func sep(rng *rand.Rand) string {
	return []string{"", "", " ", " ", "-", ".", "  ", "(", ")", " - "}[rng.IntN(10)]
}

func randDigits(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

func noise(rng *rand.Rand) string {
	const alphabet = "0123456789 +-.()0123456789"
	b := make([]byte, rng.IntN(22))
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// TestPhoneFastPathAgrees: on every input fastParse takes, it gives the
// PhoneNumber libphonenumber's Parse gives (same country code, national
// number, no leading zeros or extension), and Phone and PossiblePhone
// answer as libphonenumber alone does on every input. 50k seeded random
// numbers in many written forms and default countries, plus noise; the
// fast path must take a fair share of them, or it has silently gone.
func TestPhoneFastPathAgrees(t *testing.T) {
	countries := []string{"GB", "gb", "UK", "IE", "DE", "FR", "NL", "US", "IT", "ES", "AU", "RU", "JP", "", "ZZ", "Great Britain"}
	rng := rand.New(rand.NewPCG(24, 1))
	fastN, total := 0, 0
	for i := range 50000 {
		raw := phoneForm(rng)
		if i%5 == 4 {
			raw = noise(rng)
		}
		country := countries[rng.IntN(len(countries))]
		total++
		if n, ok := fastParse(trim(raw), region(country)); ok {
			fastN++
			want, err := phonenumbers.Parse(trim(raw), region(country))
			if err != nil {
				t.Fatalf("fastParse(%q, %q) = %v, Parse fails: %v", raw, country, n, err)
			}
			if n.GetCountryCode() != want.GetCountryCode() || n.GetNationalNumber() != want.GetNationalNumber() ||
				want.ItalianLeadingZero != nil || want.NumberOfLeadingZeros != nil || want.Extension != nil {
				t.Fatalf("fastParse(%q, %q) = %v, Parse = %v", raw, country, n, want)
			}
		}
		comparePaths(t, raw, country)
	}
	if fastN < total/8 {
		t.Errorf("the fast path took %d of %d inputs", fastN, total)
	}
	t.Logf("fast path: %d of %d inputs", fastN, total)
}

// comparePaths fails t unless Phone and PossiblePhone answer on raw as
// libphonenumber alone does.
func comparePaths(t *testing.T, raw, country string) {
	t.Helper()
	got, ok := PossiblePhone(raw, country)
	if want, wantOK := possiblePhoneFull(raw, country); got != want || ok != wantOK {
		t.Fatalf("PossiblePhone(%q, %q) = %q %v, libphonenumber alone %q %v", raw, country, got, ok, want, wantOK)
	}
	got, ok = Phone(raw, country)
	if want, wantOK := phoneFull(raw, country); got != want || ok != wantOK {
		t.Fatalf("Phone(%q, %q) = %q %v, libphonenumber alone %q %v", raw, country, got, ok, want, wantOK)
	}
}

// TestPhoneFastPathTakes: the generator's written forms (fixtures/gen)
// take the fast path; forms it must leave to libphonenumber do not.
func TestPhoneFastPathTakes(t *testing.T) {
	for _, in := range [][2]string{
		{"020 7946 0123", "GB"}, {"+44 20 7946 0123", "GB"}, {"+44 (0)20 7946 0123", "GB"},
		{"+44 113 496 0123", "IE"}, {"01 555 0123", "IE"}, {"+353 1 555 0123", "GB"},
		{"030 12345678", "DE"}, {"+49 30 12345678", ""}, {"01 99 00 12 34", "FR"},
		{"+33 1 99 00 12 34", "FR"}, {"(212) 555-0123", "US"}, {"+1 212 555 0123", "US"},
		{"020 1234567", "NL"}, {"+31 20 1234567", "NL"},
	} {
		if _, ok := fastParse(in[0], region(in[1])); !ok {
			t.Errorf("fastParse(%q, %q) is not sure", in[0], in[1])
		}
		comparePaths(t, in[0], in[1])
	}
	for _, in := range [][2]string{
		{"00 44 20 7946 0123", "GB"}, {"020 7946 0123", ""}, {"020 7946 0123 x12", "GB"},
		{"tel:+44-20-7946-0123", "GB"}, {"+39 06 1234 5678", "IT"}, {"1-650-253-0000", "US"},
		{"+7 495 123 4567", "GB"}, {"０２０ ７９４６ ０１２３", "GB"}, {"+44", "GB"},
	} {
		if n, ok := fastParse(in[0], region(in[1])); ok {
			t.Errorf("fastParse(%q, %q) = %v, want it left to libphonenumber", in[0], in[1], n)
		}
		comparePaths(t, in[0], in[1])
	}
}

// genMix is n phones as fixtures/gen writes them: countries weighted as
// its companies (GB 50, IE 12, DE 12, FR 10, US 10, NL 6), national or
// international form half and half, a quarter of GB's international ones
// with "(0)", 3% of people without a country, 1% junk.
func genMix(n int) [][2]string {
	rng := rand.New(rand.NewPCG(7, 7))
	out := make([][2]string, n)
	for i := range out {
		c, w := "NL", rng.IntN(100)
		for _, cw := range []struct {
			c string
			w int
		}{{"GB", 50}, {"IE", 12}, {"DE", 12}, {"FR", 10}, {"US", 10}} {
			if w < cw.w {
				c = cw.c
				break
			}
			w -= cw.w
		}
		nat, intl := genPhone(rng, c)
		raw := nat
		if rng.IntN(2) == 0 {
			raw = intl
		}
		if rng.IntN(100) == 0 {
			raw = []string{"n/a", "TBC", "ext. 214", "12345", "0", "see switchboard"}[rng.IntN(6)]
		}
		if rng.IntN(100) < 3 {
			c = ""
		}
		out[i] = [2]string{raw, c}
	}
	return out
}

// genPhone is fixtures/gen's phone: one fictional number of country in
// national and international form.
func genPhone(rng *rand.Rand, c string) (nat, intl string) {
	n := fmt.Sprintf("%03d", rng.IntN(1000))
	switch c {
	case "GB":
		area := [][2]string{{"020 7946 0", "+44 20 7946 0"}, {"0113 496 0", "+44 113 496 0"}, {"0161 496 0", "+44 161 496 0"}, {"029 2018 0", "+44 29 2018 0"}}[rng.IntN(4)]
		nat, intl = area[0]+n, area[1]+n
		if rng.IntN(4) == 0 {
			intl = area[1][:4] + "(0)" + area[1][4:] + n
		}
	case "IE":
		nat, intl = "01 555 0"+n, "+353 1 555 0"+n
	case "DE":
		d := randDigits(rng, 8)
		nat, intl = "030 "+d, "+49 30 "+d
	case "FR":
		d := randDigits(rng, 2) + " " + randDigits(rng, 2)
		nat, intl = "01 99 00 "+d, "+33 1 99 00 "+d
	case "US":
		area := []string{"212", "312", "415", "617", "512"}[rng.IntN(5)]
		d := strconv.Itoa(100 + rng.IntN(100))
		nat, intl = "("+area+") 555-0"+d, "+1 "+area+" 555 0"+d
	default:
		d := randDigits(rng, 7)
		nat, intl = "020 "+d, "+31 20 "+d
	}
	return nat, intl
}

// BenchmarkPossiblePhoneMix: PossiblePhone (pl_phone's function) on
// fixtures/gen's mix, with the fast path and with libphonenumber alone.
func BenchmarkPossiblePhoneMix(b *testing.B) {
	mix := genMix(4096)
	for _, path := range []struct {
		name string
		fn   func(raw, country string) (string, bool)
	}{{"fast", PossiblePhone}, {"full", possiblePhoneFull}} {
		b.Run(path.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				in := mix[i%len(mix)]
				path.fn(in[0], in[1])
			}
		})
	}
}
