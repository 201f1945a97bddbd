package ingest

import (
	"cmp"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/mmcdole/gofeed"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/textnorm"
	"github.com/bakenhub/baken/services/ingest/scrape"
)

// Normalizer turns parsed feed entries into items of the Baken schema.
type Normalizer struct {
	policy *bluemonday.Policy
	now    func() time.Time
}

// NewNormalizer returns a Normalizer with Baken's HTML policy.
func NewNormalizer(now func() time.Time) *Normalizer {
	return &Normalizer{policy: newPolicy(), now: now}
}

// Feed normalises every entry of feed; entries that cannot be normalised are
// reported in errs and skipped, the others still come through.
func (n *Normalizer) Feed(src config.Source, feed *gofeed.Feed, feedURL string) (items []item.Item, errs []error) {
	lang := src.Language
	if lang == "" {
		lang = shortLang(feed.Language)
	}
	if lang == "" {
		lang = "nl"
	}
	for i, e := range feed.Items {
		it, err := n.Entry(src, e, feedURL, lang)
		if err != nil {
			errs = append(errs, fmt.Errorf("entry %d (%q): %w", i+1, entryName(e), err))
			continue
		}
		items = append(items, it)
	}
	return items, errs
}

// Entry normalises one feed entry.
func (n *Normalizer) Entry(src config.Source, e *gofeed.Item, feedURL, lang string) (item.Item, error) {
	link := e.Link
	if link == "" && len(e.Links) > 0 {
		link = e.Links[0]
	}
	if link == "" && strings.HasPrefix(e.GUID, "http") {
		link = e.GUID
	}
	var canonical string
	if link != "" {
		c, err := item.Canonical(link, feedURL)
		if err != nil {
			return item.Item{}, err
		}
		canonical = c
	}
	if canonical == "" && e.GUID == "" {
		return item.Item{}, fmt.Errorf("no link and no guid")
	}
	title := strings.Join(strings.Fields(textnorm.StripHTML(e.Title)), " ")
	if title == "" {
		return item.Item{}, fmt.Errorf("no title")
	}
	// Relative links in the text point from the article's page.
	base := pageOf(link, feedURL)
	it := item.Item{
		ID:         item.NewID(canonical, src.ID, e.GUID),
		Source:     src.ID,
		GUID:       e.GUID,
		URL:        canonical,
		Title:      title,
		Summary:    n.plain(e.Description),
		Content:    n.html(scrape.ResolveLinks(e.Content, base)),
		Categories: e.Categories,
		Home:       src.Home,
	}
	if it.Content == "" {
		it.Content = n.html(scrape.ResolveLinks(e.Description, base))
	}
	if it.Summary == "" {
		it.Summary = n.plain(e.Content)
	}
	it.Language = detectLanguage(it.Title+" "+textnorm.StripHTML(it.Text()), lang)
	for _, a := range e.Authors {
		if a != nil && a.Name != "" {
			it.Authors = append(it.Authors, a.Name)
		}
	}
	switch {
	case e.PublishedParsed != nil:
		it.Published = e.PublishedParsed.UTC()
	case e.UpdatedParsed != nil:
		it.Published = e.UpdatedParsed.UTC()
	default:
		it.Published = n.now().UTC().Truncate(time.Second)
		it.DateGuessed = true
	}
	if e.UpdatedParsed != nil && e.UpdatedParsed.After(it.Published) {
		it.Updated = e.UpdatedParsed.UTC()
	}
	return it, nil
}

// entryName names an entry in errors: its title, else its link or guid.
func entryName(e *gofeed.Item) string {
	if name := strings.Join(strings.Fields(e.Title), " "); name != "" {
		return name
	}
	return cmp.Or(e.Link, e.GUID)
}

// html sanitises an HTML fragment.
func (n *Normalizer) html(s string) string {
	return strings.TrimSpace(n.policy.Sanitize(s))
}

// plain turns an HTML or text fragment into plain text with single spaces.
func (n *Normalizer) plain(s string) string {
	return strings.Join(strings.Fields(textnorm.StripHTML(n.html(s))), " ")
}

// pageOf is the address of an entry's page: its link resolved against the
// feed's URL, else the feed's URL.
func pageOf(link, feedURL string) string {
	b, err := url.Parse(feedURL)
	if err != nil {
		return link
	}
	u, err := b.Parse(strings.TrimSpace(link))
	if err != nil {
		return feedURL
	}
	return u.String()
}

// shortLang turns "nl-NL" into "nl".
func shortLang(l string) string {
	l = strings.ToLower(strings.TrimSpace(l))
	if i := strings.IndexAny(l, "-_"); i > 0 {
		l = l[:i]
	}
	return l
}
