package scrape

import (
	"io"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bakenhub/baken/services/ingest/dates"
)

// Article is what an article page adds to its entry.
type Article struct {
	// Content is the raw HTML of the body (links absolute).
	Content string `json:"content"`
	// Published is the page's own publication date, zero when it states
	// none in its metadata.
	Published time.Time `json:"published,omitzero"`
	// BodyMissing is set when the body selector matched nothing and the
	// content was found by the readability fallback instead.
	BodyMissing bool `json:"body_missing,omitempty"`
}

// publishedMeta are where article pages state their date for machines.
var publishedMeta = []struct{ sel, attr string }{
	{`meta[property="article:published_time"]`, "content"},
	{`meta[itemprop="datePublished"]`, "content"},
	{`meta[name="date"]`, "content"},
	{`meta[name="DC.date"]`, "content"},
	{`[itemprop="datePublished"][datetime]`, "datetime"},
	{`article time[datetime]`, "datetime"},
}

// Article reads the article page at pageURL: the body selector's content,
// else the main content as a readability-style scorer finds it.
func (x *Extractor) Article(pageURL string, r io.Reader, now time.Time) (*Article, error) {
	doc, _, err := load(pageURL, r)
	if err != nil {
		return nil, err
	}
	a := &Article{}
	for _, m := range publishedMeta {
		if v, ok := doc.Find(m.sel).First().Attr(m.attr); ok {
			if t, err := dates.Parse(v, now, x.loc); err == nil {
				a.Published = t
				break
			}
		}
	}
	if s := x.sel["body"]; s != nil {
		var b strings.Builder
		doc.FindMatcher(s).Each(func(_ int, s *goquery.Selection) {
			h, _ := s.Html()
			b.WriteString(h)
		})
		if a.Content = strings.TrimSpace(b.String()); a.Content != "" {
			return a, nil
		}
		a.BodyMissing = true
	}
	h, _ := mainContent(doc).Html()
	a.Content = strings.TrimSpace(h)
	return a, nil
}
