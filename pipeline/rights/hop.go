package rights

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/example/pipeline/pipeline/normalize"
)

// idBlock is one group of identifiers sar_predicate.sql's
// identifier_match renders for a table: the columns searched and the
// names of the parameters holding the values and prefilter patterns.
type idBlock struct {
	Phone, Profile   []string // the table's columns searched
	Phones, Profiles string   // parameter names of the value lists
	PhoneRE          string   // parameter name of the phone prefilter (phonePrefilter)
	ProfileNeedles   []string // parameter names of the profile prefilter patterns
	Name             []string // name columns that must carry one of $names (the hop only)
	Email, Key       []string // a row carrying another email or key is someone else's
	Country          string
}

// Active reports whether the block searches any column.
func (b idBlock) Active() bool { return len(b.Phone)+len(b.Profile) > 0 }

// NotFollowed is an identifier found on the subject's rows that the
// identity hop did not follow.
type NotFollowed struct {
	Kind   string `json:"kind"` // phone | profile_url
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// reasonNoName is why an identifier is not followed when the subject's own
// rows carry no name.
const reasonNoName = "not followed: the subject's own rows carry no name, so a row reached through it could be another person's (a shared switchboard number); give it with --phone/--linkedin to search it exactly"

// block builds the idBlock of table m for the values given, with prefix
// naming its parameters; nil values leave the block inactive.
func (f *Findings) block(m matchCols, phones, profiles []string, prefix string) idBlock {
	b := idBlock{Email: m.Email, Key: m.Key, Country: m.Country}
	if prefix == "hop" {
		b.Phones, b.Profiles = "hop_phones", "hop_profiles"
	} else {
		b.Phones, b.Profiles = "phones", "profiles"
	}
	if len(phones) > 0 {
		b.Phone = m.Phone
		b.PhoneRE = prefix + "_phone_re"
	}
	if len(profiles) > 0 {
		b.Profile = m.Profile
		for i := range profiles {
			b.ProfileNeedles = append(b.ProfileNeedles, fmt.Sprintf("%s_profile_needle_%d", prefix, i))
		}
	}
	return b
}

// predicateData is what sar_predicate.sql renders for one table, given the
// identifiers known so far: the request's phones and profile URLs
// (Explicit), and the hop's (Hop) only when the subject's own rows carry
// a name and the table has name columns to check it against.
func (f *Findings) predicateData(m matchCols) matchCols {
	d := m
	phones, profiles := f.explicit()
	d.Explicit = f.block(m, phones, profiles, "ex")
	d.Hop = idBlock{}
	if len(f.Names) > 0 && len(m.Name) > 0 {
		d.Hop = f.block(m, f.hopPhones, f.hopProfiles, "hop")
		d.Hop.Name = m.Name
	}
	d.Derived = f.derivedData(m)
	d.Keyed = keyedColumn(m, f.Subject.Key)
	// bucketFilter: the phone and profile columns actually searched
	d.Phone = nil
	if len(d.Explicit.Phone)+len(d.Hop.Phone) > 0 {
		d.Phone = m.Phone
	}
	d.Profile = nil
	if len(d.Explicit.Profile)+len(d.Hop.Profile) > 0 {
		d.Profile = m.Profile
	}
	return d
}

func (f *Findings) params() params {
	phones, profiles := f.explicit()
	ps := params{"email": f.Subject.Email, "email_local_re": caseless(emailNeedle(f.Subject.Email)), "key": f.Subject.Key,
		"names": nonNilList(f.Names), "cc": f.Country,
		"phones": nonNilList(phones), "profiles": nonNilList(profiles),
		"hop_phones": nonNilList(f.hopPhones), "hop_profiles": nonNilList(f.hopProfiles),
		"derived_first": f.derivedFirst, "derived_last": f.derivedLast, "derived_domain": emailDomain(f.Subject.Email),
		"derived_domain_re": caseless(emailDomain(f.Subject.Email))}
	f.nameFilterParams(ps)
	for prefix, lists := range map[string][2][]string{"ex": {phones, profiles}, "hop": {f.hopPhones, f.hopProfiles}} {
		if len(lists[0]) > 0 {
			ps[prefix+"_phone_re"] = phonePrefilter(lists[0])
		}
		for i, p := range lists[1] {
			ps[fmt.Sprintf("%s_profile_needle_%d", prefix, i)] = p[strings.LastIndexByte(p, '/')+1:]
		}
	}
	return ps
}

// colFilter is one test of sar_match.sql's .NameFilter: the column must
// be NULL or match the RE2 pattern in parameter Param.
type colFilter struct{ Column, Param string }

// nameFilters are the name-column tests sar_match.sql puts before the
// hop's pass over d (its second pass: d.HopOnly). Every row that pass can
// return carries the subject's names: a row reached through a phone or
// profile URL has a name key among f.Names (each of its name columns
// holds only words of one of them: nameFilter), and a row whose derived
// email is the subject's has the letters of the derived names in its
// first and last name columns (derivedLetters). So each name column the
// pass's branches all constrain is tested with the union of what they
// allow; none when the derived names are not ASCII (their letters are
// then DuckDB's strip_accents, not reproduced here).
func (f *Findings) nameFilters(d matchCols) []colFilter {
	hop, der := d.Hop.Active() && len(d.Hop.Name) > 0, d.Derived != nil
	if !d.HopOnly || !hop && !der {
		return nil
	}
	if der && (!normalize.IsASCII(f.derivedFirst) || !normalize.IsASCII(f.derivedLast)) {
		return nil
	}
	var out []colFilter
	switch {
	case !der:
		for _, c := range d.Hop.Name {
			out = append(out, colFilter{c, "name_filter_re"})
		}
	default: // with the hop too, only the columns both constrain
		for _, c := range []colFilter{{d.Derived.First, "name_filter_first_re"}, {d.Derived.Last, "name_filter_last_re"}} {
			if !hop || contains(d.Hop.Name, c.Column) {
				out = append(out, c)
			}
		}
	}
	return out
}

// nameFilterParams are the patterns of nameFilters: the words of names,
// with the derived first or last name's letters.
func (f *Findings) nameFilterParams(p params) {
	p["name_filter_re"] = nameFilter(f.Names, "")
	p["name_filter_first_re"] = nameFilter(f.Names, derivedLetters(f.derivedFirst))
	p["name_filter_last_re"] = nameFilter(f.Names, derivedLetters(f.derivedLast))
}

// nameFilter is the RE2 pattern (DuckDB's regexp_matches) a name column
// of a row the hop reaches must match: the row's name key (name_key, in
// sql/sar_predicate.sql's form: its name columns joined by spaces,
// lower-cased, split at white space and commas) is one of names, so each
// word of each name column is a word of one of names, and the column
// contains that word in some letter case; a column without a word
// (empty, or white space and commas only) matches, and so does any
// column with a non-ASCII character (where lower() and RE2's case
// folding could differ). extra, when set, is one more alternative.
func nameFilter(names []string, extra string) string {
	seen := map[string]bool{}
	var alts []string
	for _, n := range names {
		for _, w := range strings.Split(n, " ") {
			if w != "" && !seen[w] {
				seen[w] = true
				alts = append(alts, regexp.QuoteMeta(w))
			}
		}
	}
	sort.Strings(alts)
	if extra != "" {
		alts = append(alts, extra)
	}
	return "(?i)" + strings.Join(append(alts, `[^\x00-\x7F]`, `^[\s,]*$`), "|")
}

// derivedLetters is the RE2 pattern of the ASCII texts whose name_letters
// (sql/derive_email.sql: the letters a-z, lower-cased, of a text without
// accents) are those of name, an ASCII text: its letters in order, any
// other characters around them. Under (?i) [^a-z] is any non-letter.
func derivedLetters(name string) string {
	var b strings.Builder
	b.WriteString(`^[^a-z]*`)
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
			b.WriteString(`[^a-z]*`)
		}
	}
	b.WriteByte('$')
	return b.String()
}

// caseless is the RE2 pattern (DuckDB's regexp_matches, Go's regexp)
// that finds s in a text in any letter case: for a text of ASCII
// characters only, exactly where its lower-cased form contains s when s
// is lower-case (sql/sar_predicate.sql's prefilters). "" finds itself in
// every text, as strpos does.
func caseless(s string) string { return "(?i)" + regexp.QuoteMeta(s) }

// phonePrefilter is the RE2 pattern sar_predicate.sql's phone prefilter
// finds in a phone column: the digits of one of the phones' phoneLike
// patterns in order (LIKE's % is (?s).*), or any letter or non-ASCII
// character (a vanity number or a form only pl_phone can read). It is
// the LIKE patterns, strlen <> length and lower <> upper it replaces, in
// one pass over the text.
func phonePrefilter(phones []string) string {
	alts := append(phoneDigits(phones), `[^\x00-\x40\x5B-\x60\x7B-\x7F]`)
	return "(?s)" + strings.Join(alts, "|")
}

// phoneDigits are RE2 patterns, one per phone: the digits phoneLike keeps,
// in order, anything between them.
func phoneDigits(phones []string) []string {
	alts := make([]string, 0, len(phones)+1)
	for _, p := range phones {
		digits := strings.Split(strings.Trim(phoneLike(p), "%"), "%")
		for i, d := range digits {
			digits[i] = regexp.QuoteMeta(d)
		}
		alts = append(alts, strings.Join(digits, ".*"))
	}
	return alts
}

// explicit are the phones and profile URLs given with the request.
func (f *Findings) explicit() (phones, profiles []string) {
	for _, p := range f.Subject.Phones {
		if !contains(f.rowPhones, p) {
			phones = append(phones, p)
		}
	}
	for _, p := range f.Subject.Profiles {
		if !contains(f.rowProfiles, p) {
			profiles = append(profiles, p)
		}
	}
	return phones, profiles
}

func nonNilList(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// expand collects, from the rows matched by email or subject_key only (a
// row found through --phone or --linkedin is an exact match, never a seed),
// the subject's names and the phones and profile URLs to hop through. The
// request's own identifiers are not hopped again. Without a name on the
// subject's side nothing is followed: each identifier is listed in
// NotFollowed. Subject.Phones and Subject.Profiles gain every identifier
// found (the report's "identifiers", the suppression store's search).
//
// nameKeys gives the name keys of the texts of the names on those rows
// (each row's name columns joined by a space): readNameKeys, so that they
// are computed by the SQL the hop compares rows with.
func (f *Findings) expand(nameKeys func(texts []string) ([]string, error)) error {
	f.rowsCountry()
	var phones, profiles, texts []string
	for _, h := range f.Tables {
		for _, r := range h.Rows {
			if !f.matchedDirectly(h.match, r) {
				continue
			}
			f.noteDerived(r)
			cc := f.Country
			if c, ok := r["country"].(string); ok && len(c) == 2 {
				cc = strings.ToUpper(c)
			}
			for _, col := range h.match.Phone {
				if v, ok := r[col].(string); ok {
					if p, ok := normalizePhone(v, cc); ok {
						phones = addUnique(phones, p)
					}
				}
			}
			for _, col := range h.match.Profile {
				if v, ok := r[col].(string); ok {
					profiles = addUnique(profiles, ProfileKey(v))
				}
			}
			var parts []string
			for _, col := range h.match.Name {
				if v, ok := r[col].(string); ok {
					parts = append(parts, v)
				}
			}
			if len(parts) > 0 {
				texts = addUnique(texts, strings.Join(parts, " "))
			}
		}
	}
	keys, err := nameKeys(texts)
	if err != nil {
		return err
	}
	for _, k := range keys {
		f.Names = addUnique(f.Names, k)
	}
	phones, profiles = f.Subject.seed.add(f, phones, profiles) // found in other shards (shards.go)
	sort.Strings(f.Names)
	sort.Strings(phones)
	sort.Strings(profiles)
	given, givenProfiles := f.explicit()
	for _, p := range phones {
		if !contains(given, p) {
			f.rowPhones = append(f.rowPhones, p)
			f.hopPhones = append(f.hopPhones, p)
			f.Subject.Phones = append(f.Subject.Phones, p)
		}
	}
	for _, p := range profiles {
		if !contains(givenProfiles, p) {
			f.rowProfiles = append(f.rowProfiles, p)
			f.hopProfiles = append(f.hopProfiles, p)
			f.Subject.Profiles = append(f.Subject.Profiles, p)
		}
	}
	sort.Strings(f.Subject.Phones)
	sort.Strings(f.Subject.Profiles)
	if len(f.Names) == 0 {
		for _, p := range f.hopPhones {
			f.NotFollowed = append(f.NotFollowed, NotFollowed{Kind: "phone", Value: p, Reason: reasonNoName})
		}
		for _, p := range f.hopProfiles {
			f.NotFollowed = append(f.NotFollowed, NotFollowed{Kind: "profile_url", Value: p, Reason: reasonNoName})
		}
		f.hopPhones, f.hopProfiles = nil, nil
	}
	return nil
}

// rowsCountry sets f.Country, the default country of the subject's phone
// numbers, to the first two-letter country on the rows found while it is
// still the default GB.
func (f *Findings) rowsCountry() {
	for _, h := range f.Tables {
		for _, r := range h.Rows {
			if c, ok := r["country"].(string); ok && len(c) == 2 && f.Country == "GB" {
				f.Country = strings.ToUpper(c)
			}
		}
	}
}

// readNameKeys computes, on c, the name keys of texts (sql/name_keys.sql:
// sar_predicate.sql's own name_key, not a Go copy of it, whose lower-casing
// and word splitting could differ on a rare character).
func readNameKeys(ctx context.Context, c *sql.Conn, texts []string) ([]string, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	rows, _, err := queryRowsT(ctx, c, "name_keys", nil, params{"texts": texts})
	if err != nil {
		return nil, fmt.Errorf("name keys: %w", err)
	}
	keys := make([]string, 0, len(rows))
	for _, r := range rows {
		k, ok := r["k"].(string)
		if !ok {
			return nil, fmt.Errorf("name key %v is not text", r["k"])
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// rowRef identifies a row of one table's hit: its raw file (files nil for
// a warehouse table) and its id.
func rowRef(files []string, i int, id int64) string {
	if files == nil {
		return strconv.FormatInt(id, 10)
	}
	return files[i] + "\x00" + strconv.FormatInt(id, 10)
}

// readNameSubs computes, on c, the sub-buckets of the names the hop
// follows (sql/name_subs.sql), with normalize.NameSubAll (the names
// NameSub cannot place: the hop always reads them).
func (f *Findings) readNameSubs(ctx context.Context, c *sql.Conn) error {
	rows, _, err := queryRowsT(ctx, c, "name_subs", nil, params{"names": nonNilList(f.Names),
		"derived_first": f.derivedFirst, "derived_last": f.derivedLast})
	if err != nil {
		return err
	}
	f.nameSubs = []int64{normalize.NameSubAll}
	for _, r := range rows {
		n, ok := r["s"].(int64)
		if !ok {
			return fmt.Errorf("name sub-bucket %v is not an integer", r["s"])
		}
		if n != normalize.NameSubAll {
			f.nameSubs = append(f.nameSubs, n)
		}
	}
	return nil
}

// nameSubsFor are the sub-buckets the hop's pass over d reads (nil: all):
// those of readNameSubs, when d is the pass over a bucketed raw table's
// rows without an email whose files carry _email_sub, and the names the
// hop compares are exactly those the stage hashed (first_name and
// last_name, sql/stage_table.sql's .NameSub).
func (f *Findings) nameSubsFor(d matchCols) []int64 {
	if !d.HopOnly || d.Bucket == nil || !d.Bucket.Null || d.Bucket.Own || !d.columns[subColumn] || len(f.nameSubs) == 0 {
		return nil
	}
	if d.Hop.Active() && !sameSet(d.Hop.Name, []string{"first_name", "last_name"}) {
		return nil
	}
	if d.Derived != nil && (d.Derived.First != "first_name" || d.Derived.Last != "last_name") {
		return nil
	}
	return f.nameSubs
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !contains(b, x) {
			return false
		}
	}
	return true
}
