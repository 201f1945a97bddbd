package dates

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// months maps Dutch and English month names and abbreviations (lower
// case, without a dot) to their month.
var months = map[string]time.Month{
	"jan": 1, "januari": 1, "january": 1,
	"feb": 2, "febr": 2, "februari": 2, "february": 2,
	"mrt": 3, "mar": 3, "maart": 3, "march": 3,
	"apr": 4, "april": 4,
	"mei": 5, "may": 5,
	"jun": 6, "juni": 6, "june": 6,
	"jul": 7, "juli": 7, "july": 7,
	"aug": 8, "augustus": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9,
	"okt": 10, "oct": 10, "oktober": 10, "october": 10,
	"nov": 11, "november": 11,
	"dec": 12, "december": 12,
}

// weekdays maps Dutch and English day names and abbreviations.
var weekdays = map[string]time.Weekday{
	"zondag": 0, "zo": 0, "sunday": 0, "sun": 0,
	"maandag": 1, "ma": 1, "monday": 1, "mon": 1,
	"dinsdag": 2, "di": 2, "tuesday": 2, "tue": 2,
	"woensdag": 3, "wo": 3, "wednesday": 3, "wed": 3,
	"donderdag": 4, "do": 4, "thursday": 4, "thu": 4,
	"vrijdag": 5, "vr": 5, "friday": 5, "fri": 5,
	"zaterdag": 6, "za": 6, "saturday": 6, "sat": 6,
}

func alternatives[V any](m map[string]V) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	// Longest first, so "juni" is not read as "jun" plus a stray "i".
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	return strings.Join(names, "|")
}

var (
	wd    = `(?:(` + alternatives(weekdays) + `)\.?,?\s+)?`
	month = `(` + alternatives(months) + `)\.?`
	// "maandag 26 augustus", "20 dec. 2023", "3rd March 2024"
	dayMonth = regexp.MustCompile(`(?i)(?:^|[^\pL\d])` + wd + `(\d{1,2})(?:st|nd|rd|th|e|ste|de)?\.?\s+` + month + `(?:,?\s+(\d{4}))?(?:[^\pL\d]|$)`)
	// "Monday, December 20, 2023", "Dec 20 2023"
	monthDay = regexp.MustCompile(`(?i)(?:^|[^\pL\d])` + wd + month + `\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?(?:[^\pL\d]|$)`)
	// "2023-12-20", "2023-12-20T09:00"
	isoDate = regexp.MustCompile(`(?:^|[^\d])(\d{4})-(\d{1,2})-(\d{1,2})(?:[^\d]|$)`)
	// "20-12-2023", "20/12/2023", "20.12.2023": day first, as in Dutch
	numDate = regexp.MustCompile(`(?:^|[^\d])(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[^\d]|$)`)
	// "05:25", "13:15:00", "14.30 uur"
	clock = regexp.MustCompile(`(?i)(?:^|[^\d:.])(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[^\d:]|$)|(?:^|[^\d:.])(\d{1,2})\.(\d{2})\s*(?:uur|u)(?:[^\pL]|$)`)
	// "vandaag", "gisteren 14:02"
	relative = regexp.MustCompile(`(?i)(?:^|[^\pL])(vandaag|today|gisteren|yesterday|eergisteren)(?:[^\pL]|$)`)
)

// found is a date read from text; year 0 when the text gave none.
type found struct {
	year    int
	month   time.Month
	day     int
	weekday string
	span    [2]int // where in the text, to keep the time search off it
}

// scan finds a date anywhere in s, then a time of day outside it.
func scan(s string, now time.Time, loc *time.Location) (time.Time, error) {
	d, ok := findDate(s, now)
	if !ok {
		if clock.MatchString(s) {
			return time.Time{}, fmt.Errorf("dates: %w beside the time in %q", ErrNoDate, quote(s))
		}
		return time.Time{}, fmt.Errorf("dates: %w in %q", ErrNoDate, quote(s))
	}
	rest := s[:d.span[0]] + " " + s[d.span[1]:]
	h, m, sec := timeOfDay(rest)
	if d.year == 0 {
		d.year = resolveYear(d, now)
	}
	t := time.Date(d.year, d.month, d.day, h, m, sec, 0, loc)
	if t.Day() != d.day || t.Month() != d.month {
		return time.Time{}, fmt.Errorf("dates: no day %d in month %d of %d in %q", d.day, int(d.month), d.year, quote(s))
	}
	return t, nil
}

// findDate tries the date forms in order of how little they can be
// mistaken for something else.
func findDate(s string, now time.Time) (found, bool) {
	if m := isoDate.FindStringSubmatchIndex(s); m != nil {
		return found{year: atoi(s, m, 1), month: time.Month(atoi(s, m, 2)), day: atoi(s, m, 3), span: [2]int{m[0], m[1]}}, true
	}
	if m := numDate.FindStringSubmatchIndex(s); m != nil {
		return found{year: atoi(s, m, 3), month: time.Month(atoi(s, m, 2)), day: atoi(s, m, 1), span: [2]int{m[0], m[1]}}, true
	}
	if m := dayMonth.FindStringSubmatchIndex(s); m != nil {
		return found{weekday: group(s, m, 1), day: atoi(s, m, 2), month: months[strings.ToLower(group(s, m, 3))], year: atoi(s, m, 4), span: [2]int{m[0], m[1]}}, true
	}
	if m := monthDay.FindStringSubmatchIndex(s); m != nil {
		return found{weekday: group(s, m, 1), month: months[strings.ToLower(group(s, m, 2))], day: atoi(s, m, 3), year: atoi(s, m, 4), span: [2]int{m[0], m[1]}}, true
	}
	if m := relative.FindStringSubmatchIndex(s); m != nil {
		back := map[string]int{"vandaag": 0, "today": 0, "gisteren": 1, "yesterday": 1, "eergisteren": 2}[strings.ToLower(group(s, m, 1))]
		d := now.AddDate(0, 0, -back)
		return found{year: d.Year(), month: d.Month(), day: d.Day(), span: [2]int{m[0], m[1]}}, true
	}
	return found{}, false
}

// timeOfDay returns the first valid time of day in s, else midnight.
func timeOfDay(s string) (h, m, sec int) {
	for _, g := range clock.FindAllStringSubmatchIndex(s, -1) {
		hi, mi, si := 1, 2, 3
		if g[2] < 0 {
			hi, mi, si = 4, 5, 0
		}
		h, m = atoi(s, g, hi), atoi(s, g, mi)
		if si > 0 {
			sec = atoi(s, g, si)
		}
		if h < 24 && m < 60 && sec < 60 {
			return h, m, sec
		}
		h, m, sec = 0, 0, 0
	}
	return 0, 0, 0
}

// resolveYear picks the year of a date written without one: the most
// recent occurrence not after now, on the given weekday if there is one.
func resolveYear(d found, now time.Time) int {
	y := now.Year()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if time.Date(y, d.month, d.day, 0, 0, 0, 0, time.UTC).After(today) {
		y--
	}
	want, ok := weekdays[strings.ToLower(d.weekday)]
	if !ok {
		return y
	}
	for back := 0; back <= 11; back++ {
		t := time.Date(y-back, d.month, d.day, 0, 0, 0, 0, time.UTC)
		if t.Day() == d.day && t.Weekday() == want {
			return y - back
		}
	}
	return y
}

func group(s string, m []int, i int) string {
	if 2*i+1 >= len(m) || m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

func atoi(s string, m []int, i int) int {
	n, _ := strconv.Atoi(group(s, m, i))
	return n
}
