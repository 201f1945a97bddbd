package ingest

import (
	"cmp"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/nltime"
	"github.com/bakenhub/baken/pkg/textnorm"
	"github.com/bakenhub/baken/services/ingest/dates"
)

// textTitle, set in a gofeed.Item's Custom, says its title is plain text
// already (a scraped title, decoded by the HTML parser): it is not read as
// HTML a second time.
const textTitle = "baken:text-title"

// formatting are the elements a title written as HTML (Atom type="html")
// may carry; their tags are dropped. A title with any other markup in it
// spells that markup as text (&lt;script&gt; in the feed), which stays
// visible.
var formatting = map[string]bool{"b": true, "i": true, "em": true, "strong": true, "span": true,
	"br": true, "a": true, "abbr": true, "sup": true, "sub": true, "code": true, "q": true,
	"small": true, "mark": true, "u": true, "s": true, "cite": true, "time": true}

// plainTitle is a title as plain text with single spaces. The feed parser
// has decoded it once; only a title made of text and formatting tags is
// HTML, whose tags go and whose entities are decoded.
func plainTitle(s string, isText bool) string {
	if !isText && looksLikeHTML(s) {
		s = textnorm.StripHTML(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

// looksLikeHTML reports whether s holds tags, all of them formatting and
// each opened one closed: "<b>huiselijk geweld</b>" is HTML, "we zetten
// <b> niet in titels" is text that mentions a tag.
func looksLikeHTML(s string) bool {
	open := map[string]int{}
	tags := 0
	for rest := s; ; {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		rest = rest[i+1:]
		closing := strings.HasPrefix(rest, "/")
		name := strings.TrimPrefix(rest, "/")
		end := strings.IndexAny(name, " >/\t\n")
		if end <= 0 || !formatting[strings.ToLower(name[:end])] || !strings.Contains(name, ">") {
			return false
		}
		n := strings.ToLower(name[:end])
		switch {
		case n == "br":
		case closing:
			open[n]--
		default:
			open[n]++
		}
		tags++
	}
	for _, n := range open {
		if n != 0 {
			return false
		}
	}
	return tags > 0
}

// derivedWords is how many words of the text a derived title takes.
const derivedWords = 12

// deriveTitle makes a title for an entry without one: the first words of
// its text, else its link, else "Zonder titel".
func deriveTitle(text, link string) string {
	words := strings.Fields(text)
	if len(words) == 0 {
		if link != "" {
			return link
		}
		return "Zonder titel"
	}
	if len(words) <= derivedWords {
		return strings.Join(words, " ")
	}
	t := strings.Join(words[:derivedWords], " ")
	return strings.TrimRight(t, ",;:.-–") + " …"
}

// entryAuthors are the entry's own authors: names, else e-mail addresses.
// RSS allows one author; further dc:creator elements are kept too.
func entryAuthors(e *gofeed.Item) []string {
	var out []string
	add := func(name string) {
		name = strings.Join(strings.Fields(textnorm.StripHTML(name)), " ")
		for _, a := range out {
			if a == name {
				return
			}
		}
		if name != "" {
			out = append(out, name)
		}
	}
	for _, a := range e.Authors {
		if a != nil {
			add(cmp.Or(a.Name, a.Email))
		}
	}
	if e.DublinCoreExt != nil {
		for _, c := range e.DublinCoreExt.Creator {
			add(c)
		}
	}
	return out
}

// entryEnclosures are the files an entry carries: RSS enclosure, Atom
// link rel=enclosure and JSON Feed attachments (gofeed's Enclosures), and
// media:content, also inside media:group. Links are made absolute; a link
// that is no http(s) URL and a second copy of one are dropped.
func entryEnclosures(e *gofeed.Item, base string) []item.Enclosure {
	var out []item.Enclosure
	add := func(rawURL, typ, length string) {
		u, err := item.Link(rawURL, base)
		if err != nil {
			return
		}
		for _, x := range out {
			if x.URL == u {
				return
			}
		}
		n, _ := strconv.ParseInt(strings.TrimSpace(length), 10, 64)
		out = append(out, item.Enclosure{URL: u, Type: strings.TrimSpace(typ), Length: max(n, 0)})
	}
	for _, enc := range e.Enclosures {
		if enc != nil {
			add(enc.URL, enc.Type, enc.Length)
		}
	}
	media := e.Extensions["media"]
	var contents []ext.Extension
	contents = append(contents, media["content"]...)
	for _, g := range media["group"] {
		contents = append(contents, g.Children["content"]...)
	}
	for _, c := range contents {
		add(c.Attrs["url"], cmp.Or(c.Attrs["type"], mediumType(c.Attrs["medium"])), c.Attrs["fileSize"])
	}
	return out
}

// mediumType is a MIME type family for a media:content medium.
func mediumType(medium string) string {
	switch medium {
	case "image", "audio", "video":
		return medium + "/*"
	}
	return ""
}

// zoned matches a date text whose time of day has a zone: "Z", "+01:00",
// "-0500", "GMT", "CET".
var zoned = regexp.MustCompile(`(?i):\d\d(:\d\d)?(\.\d+)?\s*(Z|[+-]\d\d:?\d\d|[A-Z]{1,5})\s*$`)

// entryDates are the entry's published and updated times: as the feed
// parser read them, else read from the text by the dates package (dates a
// strict parser refuses: "2024-01-05 14:30", "5 januari 2024", a wrong
// weekday, a zone name it does not know).
func entryDates(e *gofeed.Item, now time.Time) (published, updated *time.Time) {
	read := func(parsed *time.Time, text string) *time.Time {
		text = strings.TrimSpace(text)
		if parsed != nil {
			if !zoned.MatchString(text) {
				// No zone in the text: the parser read UTC, the source
				// meant its own (Amsterdam) time.
				t := time.Date(parsed.Year(), parsed.Month(), parsed.Day(), parsed.Hour(), parsed.Minute(), parsed.Second(), parsed.Nanosecond(), nltime.Zone)
				return &t
			}
			return parsed
		}
		if text == "" || !utf8.ValidString(text) {
			return nil
		}
		t, err := dates.Parse(text, now, nltime.Zone)
		if err != nil {
			return nil
		}
		return &t
	}
	return read(e.PublishedParsed, e.Published), read(e.UpdatedParsed, e.Updated)
}
