package normalize

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// fastRegions are the regions whose numbers take [fastParse]: the
// countries that dominate prospect data (and the bench's generated set).
// A region is dropped at first use if its metadata is outside what
// fastParse replicates (a national prefix transform rule).
var fastRegions = []string{"GB", "IE", "DE", "FR", "NL", "US"}

// fastRegion is what fastParse needs of a region's libphonenumber
// metadata, with its patterns compiled as libphonenumber compiles them.
type fastRegion struct {
	cc      int32
	ccText  []byte         // cc in decimal
	idd     *regexp.Regexp // international prefix, anchored at the start
	npp     *regexp.Regexp // national prefix for parsing, anchored at the start
	general *regexp.Regexp // the general description's pattern, whole string
	lengths []int32        // possible lengths of a national number
	local   []int32        // possible lengths of a number dialled locally only
}

var fast struct {
	once     sync.Once
	byRegion map[string]*fastRegion
	byCC     map[int32]*fastRegion // the region libphonenumber reads a +CC number with
	isCC     [1000]bool            // calling codes libphonenumber knows
}

func loadFast() {
	fast.byRegion = map[string]*fastRegion{}
	fast.byCC = map[int32]*fastRegion{}
	for cc := 1; cc < len(fast.isCC); cc++ {
		fast.isCC[cc] = len(phonenumbers.GetRegionCodesForCountryCode(cc)) > 0
	}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return
	}
	for _, m := range coll.GetMetadata() {
		if !fastRegionName(m.GetId()) || m.GetNationalPrefixTransformRule() != "" ||
			m.GetNationalPrefixForParsing() == "" || m.GetGeneralDesc().GetNationalNumberPattern() == "" {
			continue
		}
		gd := m.GetGeneralDesc()
		r := &fastRegion{
			cc: m.GetCountryCode(), ccText: strconv.AppendInt(nil, int64(m.GetCountryCode()), 10),
			idd:     regexp.MustCompile("^(?:" + m.GetInternationalPrefix() + ")"),
			npp:     regexp.MustCompile("^(?:" + m.GetNationalPrefixForParsing() + ")"),
			general: regexp.MustCompile("^(?:" + gd.GetNationalNumberPattern() + ")$"),
			lengths: gd.GetPossibleLength(), local: gd.GetPossibleLengthLocalOnly(),
		}
		fast.byRegion[m.GetId()] = r
	}
	for id, r := range fast.byRegion {
		if phonenumbers.GetRegionCodeForCountryCode(int(r.cc)) == id {
			fast.byCC[r.cc] = r
		}
	}
}

func fastRegionName(id string) bool {
	for _, r := range fastRegions {
		if r == id {
			return true
		}
	}
	return false
}

// fastParse is phonenumbers.Parse(s, region) for the common case, without
// its regular expressions over the whole input: s (already trimmed) is
// ASCII digits with spaces, dashes, dots and parentheses only, either
// after one leading '+' whose calling code is one of fastRegions' (read
// with that region's metadata), or national (no '+') with region among
// fastRegions. It replicates Parse's steps for such a string (no
// extension, no RFC 3966, country code extraction, national prefix
// stripping kept only at a possible length) with the same metadata and
// patterns. ok false means "not sure": the caller asks libphonenumber.
// TestPhoneFastPathAgrees holds it to Parse on random numbers in many
// written forms.
func fastParse(s, region string) (n *phonenumbers.PhoneNumber, ok bool) {
	if len(s) > phonenumbers.MAX_INPUT_STRING_LENGTH {
		return nil, false
	}
	plus := strings.HasPrefix(s, "+")
	if plus {
		s = s[1:]
	}
	var buf [phonenumbers.MAX_INPUT_STRING_LENGTH]byte
	d := buf[:0]
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d = append(d, c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return nil, false
		}
	}
	if len(d) < 4 {
		return nil, false
	}
	fast.once.Do(loadFast)
	var r *fastRegion
	var nsn []byte
	if plus {
		r, nsn = fastCountryCode(d)
	} else {
		r, nsn = fastNational(d, region)
	}
	if r == nil {
		return nil, false
	}
	nsn = r.stripNationalPrefix(nsn)
	if len(nsn) < phonenumbers.MIN_LENGTH_FOR_NSN || len(nsn) > phonenumbers.MAX_LENGTH_FOR_NSN || nsn[0] == '0' {
		return nil, false // errors and Italian leading zeros: Parse decides
	}
	v, err := strconv.ParseUint(string(nsn), 10, 64)
	if err != nil {
		return nil, false
	}
	cc := r.cc
	return &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &v}, true
}

// fastCountryCode reads the calling code off the digits after a '+' as
// Parse does (the shortest prefix that is a known code), when it is one
// of fastRegions'.
func fastCountryCode(d []byte) (*fastRegion, []byte) {
	if d[0] == '0' {
		return nil, nil
	}
	cc := 0
	for i := 0; i < 3; i++ {
		cc = cc*10 + int(d[i]-'0')
		if fast.isCC[cc] {
			return fast.byCC[int32(cc)], d[i+1:]
		}
	}
	return nil, nil
}

// fastNational takes digits written without '+' as a national number of
// region, unless Parse would read a calling code off them: after the
// region's international prefix, or after the region's own calling code.
func fastNational(d []byte, region string) (*fastRegion, []byte) {
	r := fast.byRegion[region]
	if r == nil || r.idd.Match(d) || bytes.HasPrefix(d, r.ccText) {
		return nil, nil
	}
	return r, d
}

// stripNationalPrefix is libphonenumber's maybeStripNationalPrefixAndCarrierCode
// (no transform rule) followed by Parse's check that what remains has a
// possible length; otherwise it returns d unchanged, as Parse keeps it.
func (r *fastRegion) stripNationalPrefix(d []byte) []byte {
	m := r.npp.FindIndex(d)
	if m == nil {
		return d
	}
	if r.general.Match(d) && !r.general.Match(d[m[1]:]) {
		return d
	}
	stripped := d[m[1]:]
	switch r.testLength(len(stripped)) {
	case phonenumbers.TOO_SHORT, phonenumbers.IS_POSSIBLE_LOCAL_ONLY, phonenumbers.INVALID_LENGTH:
		return d
	}
	return stripped
}

// testLength is libphonenumber's testNumberLength for type UNKNOWN (the
// general description's lengths).
func (r *fastRegion) testLength(n int) phonenumbers.ValidationResult {
	l := int32(n)
	if len(r.lengths) == 0 || r.lengths[0] == -1 {
		return phonenumbers.INVALID_LENGTH
	}
	for _, x := range r.local {
		if x == l {
			return phonenumbers.IS_POSSIBLE_LOCAL_ONLY
		}
	}
	switch {
	case r.lengths[0] == l:
		return phonenumbers.IS_POSSIBLE
	case r.lengths[0] > l:
		return phonenumbers.TOO_SHORT
	case r.lengths[len(r.lengths)-1] < l:
		return phonenumbers.TOO_LONG
	}
	for _, x := range r.lengths[1:] {
		if x == l {
			return phonenumbers.IS_POSSIBLE
		}
	}
	return phonenumbers.INVALID_LENGTH
}
