package main

import (
	"fmt"
	"io"
	"time"

	"github.com/example/pipeline/pipeline/config"
)

// writeCampaignRecord adds a campaign's recipient contact and its LIA
// record (date, assessor, the three tests, b2b, review date) to its line
// of the record of processing.
func writeCampaignRecord(w io.Writer, cp *config.Campaign) {
	if cp.RecipientContact != "" {
		fmt.Fprintf(w, " (contact %s)", cp.RecipientContact)
	}
	l := cp.LIA
	if l.AssessedOn.IsZero() {
		return
	}
	fmt.Fprintf(w, "; LIA assessed %s by %s: purpose test %s, necessity test %s, balancing test %s, b2b %v",
		l.AssessedOn.Format(time.DateOnly), l.AssessedBy, l.PurposeTest, l.NecessityTest, l.BalancingTest, l.B2B)
	if !l.ReviewBy.IsZero() {
		fmt.Fprintf(w, ", review by %s", l.ReviewBy.Format(time.DateOnly))
	}
}
