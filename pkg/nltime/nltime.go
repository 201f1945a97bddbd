// Package nltime formats times for Dutch readers: in Europe/Amsterdam, with
// Dutch month names, and always with the zone shown, so nobody has to
// guess whether a page means UTC.
package nltime

import (
	"time"
	_ "time/tzdata" // Europe/Amsterdam on machines without a zoneinfo database
)

// Zone is where every time on Baken's pages is shown.
var Zone = mustZone("Europe/Amsterdam")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("nltime: " + err.Error()) // embedded by time/tzdata: cannot happen
	}
	return loc
}

var months = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"}

// Format is t as "2 december 2026 09:15 CET", or "nooit" for the zero time.
func Format(t time.Time) string {
	if t.IsZero() {
		return "nooit"
	}
	a := t.In(Zone)
	return Date(t) + " " + a.Format("15:04 MST")
}

// Date is t's day in Amsterdam as "2 december 2026".
func Date(t time.Time) string {
	a := t.In(Zone)
	return a.Format("2 ") + months[a.Month()-1] + a.Format(" 2006")
}

// Attr is t for a <time datetime> attribute: RFC 3339 with Amsterdam's offset.
func Attr(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format(time.RFC3339)
}
