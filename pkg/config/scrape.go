package config

import (
	"cmp"
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Amsterdam on machines without a zoneinfo database

	"github.com/andybalholm/cascadia"
)

// Scrape says how to read items from the HTML pages of a source of kind
// html. Selectors are CSS selectors as goquery (cascadia) reads them,
// including :contains("Lees meer").
type Scrape struct {
	// Item matches one element per news item on the list page; the other
	// item selectors apply inside it.
	Item  string `yaml:"item"`
	Title string `yaml:"title"`
	// Link is the element whose href is the article; empty means the
	// title's link, else the item's first link.
	Link string `yaml:"link"`
	// Date is read from a datetime or content attribute, else from the
	// text of every matching element ("05:25" and "24 juli 2021" combine).
	Date     string `yaml:"date"`
	Summary  string `yaml:"summary"`
	Category string `yaml:"category"`
	// Next is the link to the next, older list page; Depth is how many
	// list pages the first import reads (default 1; later polls read the
	// first page only).
	Next  string `yaml:"next"`
	Depth int    `yaml:"depth"`
	// Follow fetches every new item's article page for its full text: the
	// Body element, or the main content as found by a readability-style
	// scorer when Body is empty.
	Follow bool   `yaml:"follow"`
	Body   string `yaml:"body"`
	// Timezone is the zone of dates without one; default Europe/Amsterdam.
	Timezone string `yaml:"timezone"`
}

// DefaultTimezone is where the partner sites' dates are written.
const DefaultTimezone = "Europe/Amsterdam"

// maxDepth bounds the pages of a first import.
const maxDepth = 50

// Pages is the number of list pages a first import reads: Depth, at least 1.
func (s *Scrape) Pages() int { return max(s.Depth, 1) }

// Location is the time zone of dates without one.
func (s *Scrape) Location() (*time.Location, error) {
	return time.LoadLocation(cmp.Or(s.Timezone, DefaultTimezone))
}

// Selectors lists the configured item selectors by field name, in a fixed
// order; empty ones are left out.
func (s *Scrape) Selectors() [][2]string {
	var out [][2]string
	for _, f := range [][2]string{
		{"title", s.Title}, {"link", s.Link}, {"date", s.Date},
		{"summary", s.Summary}, {"category", s.Category},
	} {
		if f[1] != "" {
			out = append(out, f)
		}
	}
	return out
}

// validateScrape checks the scrape block of source s at field (such as
// "sources[3]"); errors name the field and the source.
func validateScrape(field string, s Source) []error {
	switch {
	case s.Kind == "html" && s.Scrape == nil:
		return []error{fmt.Errorf("%s.scrape (source %s): required for kind html", field, s.ID)}
	case s.Kind != "html" && s.Scrape != nil:
		return []error{fmt.Errorf("%s.scrape (source %s): only for kind html", field, s.ID)}
	case s.Scrape == nil:
		return nil
	}
	sc := s.Scrape
	var errs []error
	bad := func(name, value, reason string) {
		errs = append(errs, fmt.Errorf("%s.scrape.%s %q (source %s): %s", field, name, value, s.ID, reason))
	}
	for _, f := range []struct {
		name, sel string
		required  bool
	}{
		{"item", sc.Item, true}, {"title", sc.Title, true}, {"link", sc.Link, false},
		{"date", sc.Date, false}, {"summary", sc.Summary, false}, {"category", sc.Category, false},
		{"next", sc.Next, false}, {"body", sc.Body, false},
	} {
		if f.sel == "" {
			if f.required {
				bad(f.name, f.sel, "required")
			}
			continue
		}
		if _, err := cascadia.Compile(f.sel); err != nil {
			bad(f.name, f.sel, "not a CSS selector: "+err.Error())
		}
	}
	if sc.Depth < 0 || sc.Depth > maxDepth {
		bad("depth", fmt.Sprint(sc.Depth), fmt.Sprintf("want 1 to %d pages", maxDepth))
	}
	if sc.Body != "" && !sc.Follow {
		bad("body", sc.Body, "needs follow: true")
	}
	if _, err := sc.Location(); err != nil {
		bad("timezone", sc.Timezone, err.Error())
	}
	return errs
}

// validatePoliteness checks the adaptive polling bounds, the host delay
// and the proxy.
func (in Ingest) validatePoliteness() []error {
	var errs []error
	if in.MinInterval < 0 || in.MaxInterval < 0 || in.HostDelay < 0 {
		errs = append(errs, errors.New("ingest.min_interval, max_interval, host_delay: must not be negative"))
	}
	if in.MaxInterval > 0 && in.MaxInterval < in.MinInterval {
		errs = append(errs, fmt.Errorf("ingest.max_interval %v: less than min_interval %v", in.MaxInterval, in.MinInterval))
	}
	if in.MinInterval > 0 && in.MaxInterval == 0 {
		errs = append(errs, fmt.Errorf("ingest.min_interval %v: needs max_interval too", in.MinInterval))
	}
	if in.Proxy != "" && !urlPattern.MatchString(in.Proxy) {
		errs = append(errs, fmt.Errorf("ingest.proxy %q: want an http(s) URL", in.Proxy))
	}
	return errs
}
