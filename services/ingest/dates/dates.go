// Package dates reads the publication dates that partner sites print on
// their pages, in Dutch or English: "20 dec. 2023", "11 jul 2023",
// "24 juli 2021", "maandag 26 augustus", "05:25 24 juli 2021", "12-12-2023",
// ISO 8601 and RFC 1123. Dates without a zone are in the given location
// (Europe/Amsterdam for every Dutch site).
package dates

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Amsterdam on machines without a zoneinfo database
)

// ErrNoDate is returned when the text holds no date.
var ErrNoDate = errors.New("no date")

// maxText bounds the text looked at: a date is near the start of what a
// date selector matches.
const maxText = 512

// Parse finds a date in s, with a time of day when s has one ("05:25"
// beside "24 juli 2021"). A date without a year is the most recent such
// date that is not after now; with a weekday ("maandag 26 augustus") the
// most recent one on that weekday, up to eleven years back. Text without a
// zone is read in loc.
func Parse(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = clean(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("dates: %w in empty text", ErrNoDate)
	}
	t, ok := parseLayout(s, loc)
	if !ok {
		var err error
		if t, err = scan(s, now.In(loc), loc); err != nil {
			return time.Time{}, err
		}
	}
	if y := t.Year(); y < 1900 || y > now.Year()+1 {
		return time.Time{}, fmt.Errorf("dates: year %d in %q is implausible", y, quote(s))
	}
	return t, nil
}

// clean collapses white space (including no-break spaces) and bounds s.
func clean(s string) string {
	if len(s) > maxText {
		s = strings.ToValidUTF8(s[:maxText], "")
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == '\u00a0' || r == '\u202f' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v'
	}), " ")
}

// layouts are whole-text formats: ISO 8601 and the RFC formats of HTTP,
// RSS and e-mail.
var layouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123,
	time.RFC1123Z,
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 -0700",
	time.RFC822,
	time.RFC822Z,
	time.RFC850,
	time.ANSIC,
}

func parseLayout(s string, loc *time.Location) (time.Time, bool) {
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// quote shortens s for an error message.
func quote(s string) string {
	for i := range s {
		if i >= 60 {
			return s[:i] + "…"
		}
	}
	return s
}
