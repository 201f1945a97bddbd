package publish

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/sanitize"
)

// namer turns ids into names people read.
type namer struct {
	theme     func(id string) string
	source    func(id string) string
	sourceURL func(id string) string // "" when unknown
}

// feedInfo is what a rendered feed says about itself.
type feedInfo struct {
	Title   string
	SelfURL string // absolute URL of this document
	HomeURL string // the HTML index
	HubURL  string // the WebSub hub, "" without one
	Updated time.Time
	// PageBase + an item's id is the item's page on the hub (why it is in
	// the feed); "" for none.
	PageBase string
	// RFC 5005 archived feeds: PrevArchive is the page of the next older
	// items ("" when there are none); an archive page (Archive) names the
	// subscription document it goes back from (Current).
	PrevArchive string
	Current     string
	Archive     bool
}

// fhNS is the namespace of RFC 5005's fh:archive.
const fhNS = "http://purl.org/syndication/history/1.0"

// historyLinks are the RFC 5005 links of a document: prev-archive and,
// for paging clients, next to the same page; current on an archive page.
func (info feedInfo) historyLinks() [][2]string {
	var out [][2]string
	if info.PrevArchive != "" {
		out = append(out, [2]string{"prev-archive", info.PrevArchive}, [2]string{"next", info.PrevArchive})
	}
	if info.Archive {
		out = append(out, [2]string{"current", info.Current})
	}
	return out
}

// fhArchive is the fh:archive element, present on archive pages only.
func (info feedInfo) fhArchive() *struct{} {
	if info.Archive {
		return &struct{}{}
	}
	return nil
}

// guid turns an item id (32 hex digits) into a URN that feed readers and
// validators accept as a permanent id.
func guid(id string) string {
	if len(id) != 32 {
		return "urn:baken:" + id
	}
	return "urn:uuid:" + id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
}

// contentHTML is the item's content plus where else it was published.
func contentHTML(it *item.Item) string {
	c := it.Content
	if c == "" {
		c = "<p>" + html.EscapeString(it.Summary) + "</p>"
	}
	c += linkList("Ook verschenen bij: ", it.AlsoAt, func(l item.Location) string {
		return fmt.Sprintf(`<a href="%s">%s</a>`, html.EscapeString(l.URL), html.EscapeString(l.Source))
	})
	c += linkList("Ook gemeld door: ", it.ReportedBy, func(l item.Location) string {
		return fmt.Sprintf(`%s, <a href="%s">%s</a>`, html.EscapeString(l.Source), html.EscapeString(l.URL), html.EscapeString(l.Title))
	})
	return sanitize.HTML(c) // the bus is not trusted: see untrusted.go
}

// linkList is a paragraph listing locs after label, "" without any.
func linkList(label string, locs []item.Location, link func(item.Location) string) string {
	if len(locs) == 0 {
		return ""
	}
	parts := make([]string, len(locs))
	for i, l := range locs {
		parts[i] = link(l)
	}
	return "<p>" + label + strings.Join(parts, ", ") + "</p>"
}

// url is the address of a source's feed, "" when unknown.
func (n namer) url(source string) string {
	if n.sourceURL == nil {
		return ""
	}
	return n.sourceURL(source)
}

// RSS 2.0: gorilla/feeds' structs plus what the validator asks for: an
// atom:link rel=self, guids marked as not permalinks, several categories.
type rssDoc struct {
	XMLName xml.Name    `xml:"rss"`
	Version string      `xml:"version,attr"`
	Content string      `xml:"xmlns:content,attr"`
	Atom    string      `xml:"xmlns:atom,attr"`
	DC      string      `xml:"xmlns:dc,attr"`
	Media   string      `xml:"xmlns:media,attr"`
	Baken   string      `xml:"xmlns:baken,attr"`
	FH      string      `xml:"xmlns:fh,attr,omitempty"`
	Channel *rssChannel `xml:"channel"`
}

type rssChannel struct {
	*feeds.RssFeed
	AtomLinks []rssAtomLink `xml:"atom:link"`
	Archive   *struct{}     `xml:"fh:archive"`
	Items     []*rssItem    `xml:"item"`
}

type rssAtomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type rssItem struct {
	*feeds.RssItem
	Title      string     `xml:"title"`
	Link       string     `xml:"link,omitempty"` // never an empty <link></link>
	Creators   []string   `xml:"dc:creator"`     // RSS author must be an e-mail address
	Categories []string   `xml:"category"`
	Media      []rssMedia `xml:"media:content"`
	Source     *rssSource `xml:"source"`
	// TitleDerived marks a title made from the text (the source gave none).
	TitleDerived bool `xml:"baken:titleDerived,omitempty"`
}

func renderRSS(info feedInfo, items []item.Item, names namer) ([]byte, error) {
	ch := &rssChannel{
		RssFeed: &feeds.RssFeed{
			Title:         info.Title,
			Link:          info.HomeURL,
			Description:   info.Title + ": nieuws uit het veiligheidsdomein, verzameld door Baken",
			Language:      "nl",
			LastBuildDate: info.Updated.Format(time.RFC1123Z),
			Generator:     "Baken",
		},
		AtomLinks: []rssAtomLink{{Href: info.SelfURL, Rel: "self", Type: "application/rss+xml"}},
	}
	if info.HubURL != "" {
		ch.AtomLinks = append(ch.AtomLinks, rssAtomLink{Href: info.HubURL, Rel: "hub"})
	}
	for _, l := range info.historyLinks() {
		ch.AtomLinks = append(ch.AtomLinks, rssAtomLink{Rel: l[0], Href: l[1], Type: "application/rss+xml"})
	}
	ch.Archive = info.fhArchive()
	for i := range items {
		it := &items[i]
		ri := &rssItem{RssItem: &feeds.RssItem{
			// Readers take <description> as HTML; the summary is plain
			// text and may spell out markup, so it is escaped.
			Description: html.EscapeString(it.Summary),
			Content:     &feeds.RssContent{Content: contentHTML(it)},
			Guid:        &feeds.RssGuid{Id: guid(it.ID), IsPermaLink: "false"},
			PubDate:     it.Published.Format(time.RFC1123Z),
		}, Title: rssText(it.Title), Link: sanitize.URL(it.URL), Creators: rssTexts(it.Authors), TitleDerived: it.TitleDerived}
		ri.Enclosure, ri.Media = rssEnclosures(it.Enclosures)
		if u := names.url(it.Source); u != "" {
			ri.Source = &rssSource{URL: u, Name: names.source(it.Source)}
		}
		for _, t := range it.Themes {
			ri.Categories = append(ri.Categories, names.theme(t.ID))
		}
		ch.Items = append(ch.Items, ri)
	}
	doc := rssDoc{Version: "2.0", Content: "http://purl.org/rss/1.0/modules/content/", Atom: "http://www.w3.org/2005/Atom",
		DC: "http://purl.org/dc/elements/1.1/", Media: "http://search.yahoo.com/mrss/", Baken: bakenNS, Channel: ch}
	if ch.Archive != nil || info.PrevArchive != "" {
		doc.FH = fhNS
	}
	return marshalXML(doc)
}

// Atom 1.0: gorilla/feeds' structs with self and alternate links and
// categories that carry a term.
type atomFeed struct {
	*feeds.AtomFeed
	Baken   string           `xml:"xmlns:baken,attr"`
	FH      string           `xml:"xmlns:fh,attr,omitempty"`
	Links   []feeds.AtomLink `xml:"link"`
	Archive *struct{}        `xml:"fh:archive"`
	Entries []*atomEntry     `xml:"entry"`
}

type atomEntry struct {
	*feeds.AtomEntry
	// Authors are the entry's own; without them the feed's apply.
	Authors      []feeds.AtomAuthor `xml:"author"`
	Source       *atomSource        `xml:"source"`
	Categories   []atomCategory     `xml:"category"`
	TitleDerived bool               `xml:"baken:titleDerived,omitempty"`
}

// atomSource says which feed an entry came from.
type atomSource struct {
	ID      string           `xml:"id"`
	Title   string           `xml:"title"`
	Updated string           `xml:"updated"`
	Links   []feeds.AtomLink `xml:"link"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

func renderAtom(info feedInfo, items []item.Item, names namer, themeScheme string) ([]byte, error) {
	f := &atomFeed{
		AtomFeed: &feeds.AtomFeed{
			Xmlns:   "http://www.w3.org/2005/Atom",
			Title:   info.Title,
			Id:      info.SelfURL,
			Updated: info.Updated.Format(time.RFC3339),
			Author:  &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: "Baken"}},
		},
		Baken: bakenNS,
		Links: []feeds.AtomLink{
			{Href: info.SelfURL, Rel: "self", Type: "application/atom+xml"},
			{Href: info.HomeURL, Rel: "alternate", Type: "text/html"},
		},
	}
	if info.HubURL != "" {
		f.Links = append(f.Links, feeds.AtomLink{Href: info.HubURL, Rel: "hub"})
	}
	for _, l := range info.historyLinks() {
		f.Links = append(f.Links, feeds.AtomLink{Rel: l[0], Href: l[1], Type: "application/atom+xml"})
	}
	if f.Archive = info.fhArchive(); f.Archive != nil || info.PrevArchive != "" {
		f.FH = fhNS
	}
	updated := map[int64]bool{}
	for i := range items {
		it := &items[i]
		e := &atomEntry{AtomEntry: &feeds.AtomEntry{
			Title:     it.Title,
			Id:        guid(it.ID),
			Updated:   entryUpdated(it, updated).Format(time.RFC3339Nano),
			Published: it.Published.Format(time.RFC3339),
			Content:   &feeds.AtomContent{Content: contentHTML(it), Type: "html"},
		}, TitleDerived: it.TitleDerived}
		if u := sanitize.URL(it.URL); u != "" {
			e.Links = append(e.Links, feeds.AtomLink{Href: u, Rel: "alternate", Type: "text/html"})
		}
		if info.PageBase != "" {
			e.Links = append(e.Links, feeds.AtomLink{Href: info.PageBase + it.ID, Rel: "related", Type: "text/html"})
		}
		e.Links = append(e.Links, atomEnclosures(it.Enclosures)...)
		for _, a := range it.Authors {
			e.Authors = append(e.Authors, feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: a}})
		}
		e.Source = &atomSource{ID: "urn:baken:source:" + it.Source, Title: names.source(it.Source), Updated: it.LastChange().Format(time.RFC3339)}
		if u := names.url(it.Source); u != "" {
			e.Source.ID = u
			e.Source.Links = []feeds.AtomLink{{Href: u, Rel: "self"}}
		}
		if it.Summary != "" {
			e.Summary = &feeds.AtomSummary{Content: it.Summary, Type: "text"}
		}
		for _, t := range it.Themes {
			// The label says why: "Ondermijning (drugs*, witwas*)".
			l := names.theme(t.ID)
			if len(t.Matched) > 0 {
				l += " (" + strings.Join(t.Matched, ", ") + ")"
			}
			e.Categories = append(e.Categories, atomCategory{Term: t.ID, Scheme: themeScheme, Label: l})
		}
		f.Entries = append(f.Entries, e)
	}
	return marshalXML(f)
}

// entryUpdated is an Atom entry's updated time: the item's last change,
// unless an earlier entry of the document has that time (sources that
// stamp every release at midnight), then when Baken curated it, as true
// for the entry Baken publishes. Readers and the W3C validator
// (DuplicateUpdated) want distinct times.
func entryUpdated(it *item.Item, seen map[int64]bool) time.Time {
	t := it.LastChange()
	if seen[t.UnixNano()] && it.Curated.After(t) {
		t = it.Curated
	}
	seen[t.UnixNano()] = true
	return t
}

// JSON Feed 1.1, with Baken's classification in a "_baken" extension.
type jsonFeed struct {
	*feeds.JSONFeed
	Items []*jsonItem `json:"items"`
}

type jsonItem struct {
	*feeds.JSONItem
	Attachments []jsonAttachment `json:"attachments,omitempty"`
	Baken       jsonExt          `json:"_baken"`
}

type jsonExt struct {
	Source      string          `json:"source"`
	SourceName  string          `json:"source_name"`
	Themes      []item.Theme    `json:"themes"`
	Places      []string        `json:"places"`
	Districts   []string        `json:"districts"`
	AlsoAt      []item.Location `json:"also_at,omitempty"`
	DateGuessed bool            `json:"date_guessed,omitempty"`
	// TitleDerived marks a title made from the text (the source gave none).
	TitleDerived bool `json:"title_derived,omitempty"`
	// Truncated marks content cut to fit the bus's largest message.
	Truncated bool `json:"truncated,omitempty"`
	// AlsoReportedBy: the story's other reports (source, title, link).
	AlsoReportedBy []item.Location `json:"also_reported_by,omitempty"`
	// Page is the item's page on the hub: why it is in which feed.
	Page string `json:"page,omitempty"`
}

func renderJSON(info feedInfo, items []item.Item, names namer) ([]byte, error) {
	f := &jsonFeed{
		JSONFeed: &feeds.JSONFeed{
			Version:     "https://jsonfeed.org/version/1.1",
			Title:       info.Title,
			Language:    "nl",
			HomePageUrl: info.HomeURL,
			FeedUrl:     info.SelfURL,
		},
		Items: []*jsonItem{},
	}
	if info.HubURL != "" {
		f.Hubs = []*feeds.JSONHub{{Type: "WebSub", Url: info.HubURL}}
	}
	f.NextUrl = info.PrevArchive // JSON Feed pages: next_url, older items
	for i := range items {
		it := &items[i]
		pub, mod := it.Published, it.LastChange()
		ji := &jsonItem{
			JSONItem: &feeds.JSONItem{
				Id:            guid(it.ID),
				Url:           sanitize.URL(it.URL),
				Title:         it.Title,
				ContentHTML:   contentHTML(it),
				Summary:       it.Summary,
				PublishedDate: &pub,
				ModifiedDate:  &mod,
				Tags:          it.ThemeIDs(),
			},
			Attachments: jsonAttachments(it.Enclosures),
			Baken: jsonExt{
				Source:       it.Source,
				SourceName:   names.source(it.Source),
				Themes:       orEmpty(it.Themes),
				Places:       orEmpty(it.Places),
				Districts:    orEmpty(it.Districts),
				AlsoAt:       it.AlsoAt,
				DateGuessed:  it.DateGuessed,
				TitleDerived: it.TitleDerived,
				Truncated:    it.Truncated,
			},
		}
		for _, a := range it.Authors {
			ji.Authors = append(ji.Authors, &feeds.JSONAuthor{Name: a})
		}
		ji.Baken.AlsoReportedBy = it.ReportedBy
		if info.PageBase != "" {
			ji.Baken.Page = info.PageBase + it.ID
		}
		f.Items = append(f.Items, ji)
	}
	return json.MarshalIndent(f, "", "  ")
}

// orEmpty makes JSON show [] rather than null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func marshalXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
