package rights

// corrections notes, on each summary item of a corrected column that holds
// the corrected value, that it was corrected at the subject's request
// (pipeline rectify). A removed value has no item: the appendix's
// corrections section says so.
func (b *summaryBuilder) corrections(cs []CorrectionRecord) {
	for _, c := range cs {
		if c.Value == "" {
			continue
		}
		it := b.items[c.Column+"\x00"+valueKey(c.Column, c.Value, b.country)]
		if it == nil {
			continue
		}
		it.Notes = addUnique(it.Notes, "corrected on "+c.CorrectedAt.Format("2 January 2006")+" at your request")
	}
}

// seenDates fills a source's deletion line with when the subject was first
// seen in it and the date after which its data on them is deleted
// (subject_seen; retention.go).
func seenDates(d Deletion, seen []Seen, source string) Deletion {
	for _, s := range seen {
		if s.Source == source {
			d.FirstSeen, d.DeleteBy = s.FirstSeen, s.DeleteAfter
		}
	}
	return d
}
