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

// Entry normalises one feed entry. The item's URL is the entry's own link
// (absolute, minus tracking parameters); its id comes from the canonical
// form of that link, else from its GUID, else from its title and text.
func (n *Normalizer) Entry(src config.Source, e *gofeed.Item, feedURL, lang string) (item.Item, error) {
	raw := entryLink(e)
	var link, canonical string
	if l, err := item.Link(raw, feedURL); raw != "" && err == nil {
		// A link that is no http(s) URL (javascript:, mailto:) is no link:
		// the entry is kept without one.
		link = l
		canonical, _ = item.Canonical(raw, feedURL)
	}
	// Relative links in the text point from the article's page.
	base := pageOf(raw, feedURL)
	it := item.Item{
		Source:     src.ID,
		GUID:       strings.TrimSpace(e.GUID),
		URL:        link,
		Title:      plainTitle(e.Title, e.Custom[textTitle] != ""),
		Summary:    n.plain(e.Description),
		Content:    n.html(scrape.ResolveLinks(e.Content, base)),
		Categories: e.Categories,
		Home:       src.Home,
		Authors:    entryAuthors(e),
		Enclosures: entryEnclosures(e, base),
	}
	if it.Content == "" {
		it.Content = n.html(scrape.ResolveLinks(e.Description, base))
	}
	if it.Summary == "" {
		it.Summary = n.plain(e.Content)
	}
	if it.Title == "" {
		it.Title, it.TitleDerived = deriveTitle(it.Summary, link), true
	}
	if canonical != "" {
		it.ID = item.NewID(canonical, src.ID, it.GUID)
	} else {
		it.ID = item.EntryID(src.ID, it.GUID, it.Title, it.Text())
	}
	it.Language = detectLanguage(it.Title+" "+textnorm.StripHTML(it.Text()), lang)
	published, updated := entryDates(e, n.now())
	switch {
	case published != nil:
		it.Published = published.UTC()
	case updated != nil:
		it.Published = updated.UTC()
	default:
		it.Published = n.now().UTC().Truncate(time.Second)
		it.DateGuessed = true
	}
	if updated != nil && updated.After(it.Published) {
		it.Updated = updated.UTC()
	}
	return it, nil
}

// entryLink is the entry's link as given: its link, else its first link,
// else a GUID that is a URL.
func entryLink(e *gofeed.Item) string {
	link := strings.TrimSpace(e.Link)
	if link == "" && len(e.Links) > 0 {
		link = strings.TrimSpace(e.Links[0])
	}
	if g := strings.TrimSpace(e.GUID); link == "" && (strings.HasPrefix(g, "http://") || strings.HasPrefix(g, "https://")) {
		link = g
	}
	return link
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
