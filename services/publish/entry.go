package publish

import (
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/gorilla/feeds"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/sanitize"
)

// bakenNS is the namespace of Baken's own elements in RSS and Atom
// (baken:titleDerived).
const bakenNS = "https://github.com/bakenhub/baken/ns/1.0"

// entityLike finds text that an HTML reader would take for a character
// reference.
var entityLike = regexp.MustCompile(`&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);`)

// rssText is plain text (a title, an author) as RSS carries it. Many
// readers render RSS titles and creators as HTML, so text that holds
// markup or entity-like text ("<script>", "&lt;") is HTML-escaped once
// before the XML escaping: every reader then shows the text. Other text
// goes as it is.
func rssText(title string) string {
	if strings.ContainsAny(title, "<>") || entityLike.MatchString(title) {
		return html.EscapeString(title)
	}
	return title
}

// enclosureType is an enclosure's MIME type, application/octet-stream
// when the source gave none (RSS requires one).
func enclosureType(e item.Enclosure) string {
	if e.Type == "" || strings.HasSuffix(e.Type, "/*") {
		return "application/octet-stream"
	}
	return e.Type
}

// rssMedia is a media:content element (Media RSS), for enclosures after
// the first: RSS allows one enclosure per item.
type rssMedia struct {
	URL      string `xml:"url,attr"`
	Type     string `xml:"type,attr,omitempty"`
	FileSize string `xml:"fileSize,attr,omitempty"`
}

// rssSource is RSS's source element: the feed the item came from.
type rssSource struct {
	URL  string `xml:"url,attr"`
	Name string `xml:",chardata"`
}

func rssEnclosures(encs []item.Enclosure) (*feeds.RssEnclosure, []rssMedia) {
	var first *feeds.RssEnclosure
	var more []rssMedia
	for _, e := range encs {
		if sanitize.URL(e.URL) == "" {
			continue
		}
		if first == nil {
			first = &feeds.RssEnclosure{Url: e.URL, Length: strconv.FormatInt(e.Length, 10), Type: enclosureType(e)}
			continue
		}
		m := rssMedia{URL: e.URL, Type: enclosureType(e)}
		if e.Length > 0 {
			m.FileSize = strconv.FormatInt(e.Length, 10)
		}
		more = append(more, m)
	}
	return first, more
}

// atomEnclosures are link rel=enclosure elements.
func atomEnclosures(encs []item.Enclosure) []feeds.AtomLink {
	var out []feeds.AtomLink
	for _, e := range encs {
		if sanitize.URL(e.URL) == "" {
			continue
		}
		l := feeds.AtomLink{Href: e.URL, Rel: "enclosure", Type: enclosureType(e)}
		if e.Length > 0 {
			l.Length = strconv.FormatInt(e.Length, 10)
		}
		out = append(out, l)
	}
	return out
}

// jsonAttachment is a JSON Feed attachment with a 64-bit size.
type jsonAttachment struct {
	URL      string `json:"url"`
	MIMEType string `json:"mime_type"`
	Size     int64  `json:"size_in_bytes,omitempty"`
}

func jsonAttachments(encs []item.Enclosure) []jsonAttachment {
	var out []jsonAttachment
	for _, e := range encs {
		if sanitize.URL(e.URL) != "" {
			out = append(out, jsonAttachment{URL: e.URL, MIMEType: enclosureType(e), Size: e.Length})
		}
	}
	return out
}

// rssTexts is rssText of each.
func rssTexts(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = rssText(s)
	}
	return out
}
