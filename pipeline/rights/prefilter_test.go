package rights

import (
	"encoding/csv"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/example/pipeline/pipeline/normalize"
)

// The SAR/erase SQL filters rows with cheap string tests before calling
// pl_email / pl_phone (sql/sar_predicate.sql). The filters must never drop
// a row the exact match would keep: checked here over hand-made awkward
// forms and every email and phone in the fixtures.
func TestPrefilterIsSuperset(t *testing.T) {
	emails := []string{"  Jo.Bloggs@Example.CO.UK ", "mailto:JO.BLOGGS@example.co.uk", "Jo Bloggs <jo.bloggs@example.co.uk>",
		"<JO.Bloggs@EXAMPLE.co.uk>", "jörg@bücher.de", "JÖRG@BÜCHER.DE", "a+tag@x.com"}
	phones := [][2]string{{"020 7946 0018", "GB"}, {"+44 (0)20 7946 0018", "GB"}, {"0044 20 7946 0018", "GB"},
		{"tel:+442079460018", "GB"}, {"(01) 234 5678", "IE"}, {"+353 1 234 5678", "GB"}, {"020-7946-0018 ext. 12", "GB"},
		// national significant numbers shorter than six digits (Niue,
		// Saint Helena, Falklands): the pattern must not reach into the
		// country code, which a national form does not contain
		{"4002", "NU"}, {"22158", "SH"}, {"31234", "FK"}, {"+683 4002", "GB"}}
	for _, f := range []string{"people.csv", "people_crm.csv"} {
		fh, err := os.Open("../../fixtures/" + f)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(fh)
		r.FieldsPerRecord = -1
		recs, _ := r.ReadAll()
		fh.Close()
		for _, rec := range recs[1:] {
			if len(rec) > 5 {
				emails = append(emails, rec[2])
				phones = append(phones, [2]string{rec[5], "GB"})
			}
		}
	}
	nonASCII := regexp.MustCompile(`[^\x00-\x7F]`)
	for _, raw := range emails {
		norm, ok := normalize.Email(raw)
		if !ok {
			continue
		}
		if !regexp.MustCompile(caseless(emailNeedle(norm))).MatchString(raw) && !nonASCII.MatchString(raw) {
			t.Errorf("email prefilter drops %q (normalises to %q)", raw, norm)
		}
	}
	// the derived-email branch's company domain prefilter
	for _, raw := range []string{"HTTPS://WWW.Example.CO.UK/about", "example.co.uk", " www.EXAMPLE.co.uk ", "Example.Co.Uk.",
		"http://ex-ample+1.com", "BÜCHER.de", "https://www.bücher.DE/"} {
		d, ok := normalize.Domain(raw)
		if !ok {
			continue
		}
		if !regexp.MustCompile(caseless(d)).MatchString(raw) && !nonASCII.MatchString(raw) {
			t.Errorf("domain prefilter drops %q (normalises to %q)", raw, d)
		}
	}
	letters := regexp.MustCompile(`[A-Za-z]`)
	checked := 0
	for _, p := range phones {
		e164, ok := normalizePhone(p[0], p[1])
		if !ok {
			continue
		}
		checked++
		like := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(phoneLike(e164)), "%", ".*") + "$")
		if !like.MatchString(p[0]) && !nonASCII.MatchString(p[0]) && !letters.MatchString(p[0]) {
			t.Errorf("phone prefilter drops %q (normalises to %q, pattern %s)", p[0], e164, phoneLike(e164))
		}
		// the one pattern the SQL runs says the same (the LIKE, the
		// non-ASCII and the letter tests), also of the other phones
		re := regexp.MustCompile(phonePrefilter([]string{e164}))
		for _, q := range phones {
			want := like.MatchString(q[0]) || nonASCII.MatchString(q[0]) || letters.MatchString(q[0])
			if got := re.MatchString(q[0]); got != want {
				t.Errorf("phonePrefilter(%s) on %q = %v, the LIKE and character tests %v", e164, q[0], got, want)
			}
		}
	}
	two := regexp.MustCompile(phonePrefilter([]string{"+442079460228", "+353 1 234 5678"}))
	for _, v := range []string{"020 7946 0228", "(01) 234 5678", "\n4\n6\n0\n2\n2\n8"} {
		if !two.MatchString(v) {
			t.Errorf("phonePrefilter of two phones does not find %q", v)
		}
	}
	if two.MatchString("0161 496 0000") {
		t.Error("phonePrefilter of two phones finds another number")
	}
	if checked < 20 {
		t.Fatalf("only %d phones checked", checked)
	}
	if got := phoneLike("+442079460228"); got != "%4%6%0%2%2%8%" {
		t.Errorf("phoneLike = %q", got)
	}
}
