package publish

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhub/baken/pkg/nltime"
)

// period is a span of published times, [from, to); zero ends are open.
type period struct{ from, to time.Time }

// parsePeriod reads since= or from= (the start) and until= or to= (the
// end) of q. A start is a duration back from now ("7d", "36h", "90m"), a
// date (Europe/Amsterdam midnight) or an RFC 3339 time; an end is a date,
// taken whole ("to=2026-11-30" includes that day), or an RFC 3339 time,
// excluded.
func parsePeriod(q url.Values, now time.Time) (period, error) {
	var p period
	for _, name := range []string{"since", "from"} {
		if v := q.Get(name); v != "" {
			t, err := parseStart(v, now)
			if err != nil {
				return p, fmt.Errorf("%w: %s: %w", errQuery, name, err)
			}
			p.from = t
		}
	}
	for _, name := range []string{"until", "to"} {
		if v := q.Get(name); v != "" {
			t, err := parseEnd(v)
			if err != nil {
				return p, fmt.Errorf("%w: %s: %w", errQuery, name, err)
			}
			p.to = t
		}
	}
	if !p.from.IsZero() && !p.to.IsZero() && !p.from.Before(p.to) {
		return p, fmt.Errorf("%w: the period ends before it starts", errQuery)
	}
	return p, nil
}

func parseStart(v string, now time.Time) (time.Time, error) {
	if n, unit, ok := relative(v); ok {
		return now.Add(-time.Duration(n) * unit), nil
	}
	if d, err := time.ParseInLocation(time.DateOnly, v, nltime.Zone); err == nil {
		return d, nil
	}
	return parseInstant(v)
}

func parseEnd(v string) (time.Time, error) {
	if d, err := time.ParseInLocation(time.DateOnly, v, nltime.Zone); err == nil {
		return d.AddDate(0, 0, 1), nil
	}
	return parseInstant(v)
}

func parseInstant(v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want a date (2026-11-30), an RFC 3339 time or, for a start, a duration (7d, 36h)", v)
	}
	return t, nil
}

// relative reads "7d", "36h" or "90m", at most a year back.
func relative(v string) (int, time.Duration, bool) {
	units := map[string]time.Duration{"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute}
	for suffix, unit := range units {
		if num, ok := strings.CutSuffix(v, suffix); ok {
			n, err := strconv.Atoi(num)
			if err == nil && n > 0 && time.Duration(n)*unit <= 366*24*time.Hour {
				return n, unit, true
			}
		}
	}
	return 0, 0, false
}
