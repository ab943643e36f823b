package rights

import (
	"testing"
	"time"
)

// TestDueDate: one calendar month, the last day of a shorter month, and
// the extension to three months.
func TestDueDate(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		received string
		months   int
		want     string
	}{
		{"2026-09-03", 1, "2026-10-03"},
		{"2025-01-31", 1, "2025-02-28"},
		{"2024-01-31", 1, "2024-02-29"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-11-30", 3, "2027-02-28"},
		{"2026-03-31", 1, "2026-04-30"},
	} {
		if got := DueDate(d(tc.received), tc.months).Format(time.DateOnly); got != tc.want {
			t.Errorf("DueDate(%s, %d) = %s, want %s", tc.received, tc.months, got, tc.want)
		}
	}
}
