package predicate

import (
	"context"
	"testing"
)

// TestPrewarm: the first CheckAlone after Prewarm checks on Prewarm's
// database, the next on one of its own, with the same answers.
func TestPrewarm(t *testing.T) {
	Prewarm()
	Prewarm() // a second call does nothing
	for i := 0; i < 2; i++ {
		probs, err := CheckAlone(context.Background(), "country IN ('GB') AND employees >= 50")
		if err != nil || len(probs) != 0 {
			t.Fatalf("check %d: %v %v", i+1, probs, err)
		}
		probs, err = CheckAlone(context.Background(), "(SELECT 1) = 1")
		if err != nil || len(probs) == 0 {
			t.Fatalf("check %d of a subquery: %v %v, want a problem", i+1, probs, err)
		}
	}
	if !spare.taken {
		t.Error("Prewarm's database was not taken")
	}
}
