package flow

import (
	"maps"
	"strconv"
	"time"

	"github.com/example/pipeline/pipeline/config"
)

// campaignMetadata is what an export's manifest records of its campaign
// beyond name, purpose and lawful basis: the recipient's contact (for
// Art. 19 notices) and the legitimate interests assessment it relied on.
func campaignMetadata(camp *config.Campaign, base map[string]string) map[string]string {
	out := maps.Clone(base)
	if camp.RecipientContact != "" {
		out["recipient_contact"] = camp.RecipientContact
	}
	l := camp.LIA
	if l.AssessedOn.IsZero() && l.AssessedBy == "" {
		return out
	}
	out["lia.assessed_on"] = l.AssessedOn.Format(time.DateOnly)
	out["lia.assessed_by"] = l.AssessedBy
	out["lia.purpose_test"] = l.PurposeTest
	out["lia.necessity_test"] = l.NecessityTest
	out["lia.balancing_test"] = l.BalancingTest
	out["lia.b2b"] = strconv.FormatBool(l.B2B)
	if !l.ReviewBy.IsZero() {
		out["lia.review_by"] = l.ReviewBy.Format(time.DateOnly)
	}
	for k, v := range map[string]string{"lia.purpose_answer": l.Answers.Purpose, "lia.necessity_answer": l.Answers.Necessity, "lia.balancing_answer": l.Answers.Balancing} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}
