// Package scrape reads news items from the HTML pages of sites without a
// feed, with CSS selectors from the configuration: Parse reads a list page
// into entries, Article the full text of one article page. It does no I/O
// and no sanitising: the caller fetches, decodes and cleans.
package scrape

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/textnorm"
	"github.com/bakenhub/baken/services/ingest/dates"
)

// Entry is one item as found on a list page. HTML fields are raw (links
// made absolute, not sanitised); Published is zero when no date was found.
type Entry struct {
	Title      string    `json:"title"`
	URL        string    `json:"url"`
	Published  time.Time `json:"published,omitzero"`
	DateText   string    `json:"date_text,omitempty"`
	Summary    string    `json:"summary,omitempty"`
	Categories []string  `json:"categories,omitempty"`
}

// Page is what a list page holds.
type Page struct {
	// Found counts the elements the item selector matched; entries without
	// a title or link are left out of Entries and named in Skipped.
	Found   int      `json:"found"`
	Entries []Entry  `json:"entries"`
	Skipped []string `json:"skipped,omitempty"`
	// Missing counts, per configured field, the items where its selector
	// matched nothing (or, for the date, nothing readable).
	Missing map[string]int `json:"missing,omitempty"`
	Next    string         `json:"next,omitempty"`
}

// Extractor applies one source's selectors.
type Extractor struct {
	sel map[string]cascadia.Selector // by field name: item, title, link, ...
	loc *time.Location
}

// New compiles the selectors of c.
func New(c config.Scrape) (*Extractor, error) {
	x := &Extractor{sel: map[string]cascadia.Selector{}}
	for _, f := range [][2]string{
		{"item", c.Item}, {"title", c.Title}, {"link", c.Link}, {"date", c.Date}, {"summary", c.Summary},
		{"category", c.Category}, {"next", c.Next}, {"body", c.Body},
	} {
		if f[1] == "" {
			continue
		}
		s, err := cascadia.Compile(f[1])
		if err != nil {
			return nil, fmt.Errorf("scrape: %s selector %q: %w", f[0], f[1], err)
		}
		x.sel[f[0]] = s
	}
	if x.sel["item"] == nil || x.sel["title"] == nil {
		return nil, errors.New("scrape: item and title selectors are required")
	}
	loc, err := c.Location()
	if err != nil {
		return nil, fmt.Errorf("scrape: %w", err)
	}
	x.loc = loc
	return x, nil
}

// Parse reads the list page at pageURL from r (UTF-8). now places dates
// written without a year.
func (x *Extractor) Parse(pageURL string, r io.Reader, now time.Time) (*Page, error) {
	doc, base, err := load(pageURL, r)
	if err != nil {
		return nil, err
	}
	p := &Page{Missing: map[string]int{}}
	for i, node := range x.sel["item"].MatchAll(doc.Nodes[0]) {
		p.Found++
		e, missing := x.entry(goquery.NewDocumentFromNode(node).Selection, now)
		for _, f := range missing {
			p.Missing[f]++
		}
		switch {
		case e.Title == "":
			p.Skipped = append(p.Skipped, fmt.Sprintf("item %d: no title", i+1))
		case e.URL == "":
			p.Skipped = append(p.Skipped, fmt.Sprintf("item %d (%q): no link", i+1, e.Title))
		default:
			p.Entries = append(p.Entries, e)
		}
	}
	if s := x.sel["next"]; s != nil {
		if n := s.MatchFirst(doc.Nodes[0]); n != nil {
			if next := href(goquery.NewDocumentFromNode(n).Selection); next != "" && next != base.String() {
				p.Next = next
			}
		}
	}
	if len(p.Missing) == 0 {
		p.Missing = nil
	}
	return p, nil
}

// entry reads one item element; missing names the configured fields whose
// selector found nothing.
func (x *Extractor) entry(it *goquery.Selection, now time.Time) (e Entry, missing []string) {
	find := func(field string) *goquery.Selection {
		s := it.FindMatcher(x.sel[field])
		if s.Length() == 0 {
			missing = append(missing, field)
		}
		return s
	}
	title := find("title").First()
	e.Title = text(title)
	if x.sel["link"] != nil {
		e.URL = href(find("link").First())
	} else {
		e.URL = firstHref(title, it)
	}
	if x.sel["date"] != nil {
		if d := find("date"); d.Length() > 0 {
			e.DateText = dateText(d)
			if t, err := dates.Parse(e.DateText, now, x.loc); err == nil {
				e.Published = t
			} else {
				missing = append(missing, "date")
			}
		}
	}
	if x.sel["summary"] != nil {
		var b strings.Builder
		find("summary").Each(func(_ int, s *goquery.Selection) {
			h, _ := goquery.OuterHtml(s)
			b.WriteString(h)
		})
		e.Summary = strings.TrimSpace(b.String())
	}
	if x.sel["category"] != nil {
		find("category").Each(func(_ int, s *goquery.Selection) {
			if c := text(s); c != "" && !slices.Contains(e.Categories, c) {
				e.Categories = append(e.Categories, c)
			}
		})
	}
	return e, missing
}

// load parses a page and makes every link in it absolute, against the
// page's <base href> when it has one.
func load(pageURL string, r io.Reader) (*goquery.Document, *url.URL, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, nil, fmt.Errorf("scrape: page url: %w", err)
	}
	root, err := html.Parse(r)
	if err != nil {
		return nil, nil, fmt.Errorf("scrape: read page: %w", err)
	}
	doc := goquery.NewDocumentFromNode(root)
	if b, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if u, err := base.Parse(strings.TrimSpace(b)); err == nil {
			base = u
		}
	}
	resolveTree(root, base)
	return doc, base, nil
}

// firstHref is the link of an entry without a link selector: the one
// around or inside the title, else the item's own or first link.
func firstHref(title, it *goquery.Selection) string {
	for _, s := range []*goquery.Selection{
		title.Closest("a[href]"), title.Find("a[href]"), it.Filter("a[href]"), it.Find("a[href]"),
	} {
		if h := href(s.First()); h != "" {
			return h
		}
	}
	return ""
}

// href is the link of s: its own href, else its first descendant link's.
func href(s *goquery.Selection) string {
	if h, ok := s.Attr("href"); ok {
		return strings.TrimSpace(h)
	}
	h, _ := s.Find("a[href]").First().Attr("href")
	return strings.TrimSpace(h)
}

// dateText is the machine-readable date of the first match that has one
// (datetime, content), else the text of every match: a time and a date in
// separate elements combine.
func dateText(s *goquery.Selection) string {
	for _, attr := range []string{"datetime", "content"} {
		if v, ok := s.First().Attr(attr); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	var parts []string
	s.Each(func(_ int, d *goquery.Selection) { parts = append(parts, text(d)) })
	return collapse(strings.Join(parts, " "))
}

// text is the text of s with element boundaries as spaces, collapsed.
func text(s *goquery.Selection) string {
	if s.Length() == 0 {
		return ""
	}
	h, err := goquery.OuterHtml(s)
	if err != nil {
		return collapse(s.Text())
	}
	return collapse(textnorm.StripHTML(h))
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
