package publish

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		query    string
		from, to string // RFC 3339, "" for open
		err      string
	}{
		{"since=7d", "2026-11-25T08:00:00Z", "", ""},
		{"since=36h", "2026-11-30T20:00:00Z", "", ""},
		{"from=2026-11-23&to=2026-11-29", "2026-11-22T23:00:00Z", "2026-11-29T23:00:00Z", ""}, // Amsterdam days, the last one included
		{"since=2026-07-01T00:00:00%2B02:00&until=2026-07-02T00:00:00Z", "2026-06-30T22:00:00Z", "2026-07-02T00:00:00Z", ""},
		{"", "", "", ""},
		{"since=gisteren", "", "", "want a date"},
		{"since=400d", "", "", "want a date"},
		{"from=2026-11-29&to=2026-11-23", "", "", "ends before it starts"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			p, err := parsePeriod(q, now)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			str := func(x time.Time) string {
				if x.IsZero() {
					return ""
				}
				return x.UTC().Format(time.RFC3339)
			}
			if str(p.from) != tt.from || str(p.to) != tt.to {
				t.Errorf("period %s – %s, want %s – %s", str(p.from), str(p.to), tt.from, tt.to)
			}
		})
	}
}
