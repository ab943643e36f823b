package config

import (
	"testing"
	"time"
)

func TestParseRetention(t *testing.T) {
	now := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		give       string
		want       Retention
		wantString string
		wantCutoff time.Time
		wantErr    bool
	}{
		{give: "24 months", want: Retention{24, "month"}, wantString: "24 months", wantCutoff: time.Date(2024, 3, 31, 12, 0, 0, 0, time.UTC)},
		{give: "90 days", want: Retention{90, "day"}, wantString: "90 days", wantCutoff: time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC)},
		{give: "1 year", want: Retention{1, "year"}, wantString: "1 year", wantCutoff: time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC)},
		{give: "2 Weeks", want: Retention{2, "week"}, wantString: "2 weeks", wantCutoff: time.Date(2026, 3, 17, 12, 0, 0, 0, time.UTC)},
		{give: "1 month", want: Retention{1, "month"}, wantString: "1 month", wantCutoff: time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)}, // AddDate normalises Feb 31
		{give: "forever", want: Retention{}, wantString: "forever"},
		{give: "0 days", wantErr: true},
		{give: "24", wantErr: true},
		{give: "two years", wantErr: true},
		{give: "-1 year", wantErr: true},
		{give: "100 years", want: Retention{100, "year"}, wantString: "100 years", wantCutoff: time.Date(1926, 3, 31, 12, 0, 0, 0, time.UTC)},
		{give: "101 years", wantErr: true},
		{give: "99999999999 years", wantErr: true},
		{give: "99999999999999999999999 days", wantErr: true},
		{give: "1201 months", wantErr: true},
		{give: "36601 days", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseRetention(tt.give)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseRetention(%q) error = %v, wantErr %v", tt.give, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		if got != tt.want || got.String() != tt.wantString || !got.Cutoff(now).Equal(tt.wantCutoff) {
			t.Errorf("ParseRetention(%q) = %#v %q cutoff %v; want %#v %q %v", tt.give, got, got.String(), got.Cutoff(now), tt.want, tt.wantString, tt.wantCutoff)
		}
	}
}
