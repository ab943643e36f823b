package normalize

// NameSubAll is the name sub-bucket of every name with a character
// outside ASCII: NameSub does not reproduce DuckDB's lower() and
// strip_accents on those, so a search that follows names always reads it.
const NameSubAll = 65535

// NameSub is the sub-bucket of a person's first and last name, for a raw
// people row without a valid email (sql/name_sub.sql) and for each name a
// subject search follows (sql/name_subs.sql): FNV-1a (32 bit) of the names'
// letters a-z, lower-cased and sorted, modulo 65535; NameSubAll when
// either name has a non-ASCII byte. Any two ASCII names with the same
// letters in any order, case and punctuation share it, so the rows the
// identity hop can reach (their name key, or the letters of a derived
// email's names, equal the subject's) are in the sub-buckets of the
// subject's names. Part of the warehouse format, as EmailBucket.
func NameSub(first, last string) int {
	var counts [26]int
	for _, s := range [2]string{first, last} {
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c >= 0x80:
				return NameSubAll
			case c >= 'a' && c <= 'z':
				counts[c-'a']++
			case c >= 'A' && c <= 'Z':
				counts[c-'A']++
			}
		}
	}
	h := uint32(fnvOffset)
	for l, n := range counts {
		for range n {
			h ^= uint32('a' + l)
			h *= fnvPrime
		}
	}
	return int(h % NameSubAll)
}
