package nltime

import (
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 12, 2, 8, 15, 0, 0, time.UTC), "2 december 2026 09:15 CET"},
		{time.Date(2026, 7, 1, 22, 30, 0, 0, time.UTC), "2 juli 2026 00:30 CEST"},
		{time.Date(2026, 3, 29, 0, 59, 0, 0, time.UTC), "29 maart 2026 01:59 CET"},
		{time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), "29 maart 2026 03:00 CEST"},
		{time.Time{}, "nooit"},
	}
	for _, tt := range tests {
		if got := Format(tt.in); got != tt.want {
			t.Errorf("Format(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Attr(time.Date(2026, 12, 2, 8, 15, 0, 0, time.UTC)); got != "2026-12-02T09:15:00+01:00" {
		t.Errorf("Attr = %q", got)
	}
}
