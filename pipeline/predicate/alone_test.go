package predicate

import (
	"context"
	"testing"
)

// TestCheckAloneRepeats: each CheckAlone checks on a database of its own,
// with the same answers every time.
func TestCheckAloneRepeats(t *testing.T) {
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
}
