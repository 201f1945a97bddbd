package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
)

// richItems are items with what real sources carry besides text: files,
// their own authors, no title, no link, markup spelled in a title.
func richItems() []item.Item {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 9, 0, 0, 0, time.UTC) }
	return []item.Item{
		{
			ID: "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a", Source: "rijksoverheid-jenv", Title: "Rapport: aanpak georganiseerde criminaliteit 2023",
			URL:     "http://www.rijksoverheid.nl/documenten/rapporten/2024/01/08/aanpak?r123#samenvatting",
			Summary: "Het ministerie publiceert de voortgangsrapportage.", Published: day(8),
			Authors: []string{"Ministerie van Justitie en Veiligheid", "D. Yeşilgöz"},
			Enclosures: []item.Enclosure{
				{URL: "https://www.rijksoverheid.nl/binaries/rapport-aanpak-2023.pdf", Type: "application/pdf", Length: 2480311},
				{URL: "https://www.rijksoverheid.nl/binaries/infographic.png", Type: "image/png"},
			},
		},
		{
			ID: "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", Source: "veiligheidsnetwerk", Title: "De gemeente Utrecht start met een pilot cameratoezicht rond de …",
			TitleDerived: true, URL: "https://www.veiligheidsnetwerk.example/nieuws/pilot",
			Summary: "De gemeente Utrecht start met een pilot cameratoezicht rond de jaarwisseling in drie wijken.", Published: day(7),
			Enclosures: []item.Enclosure{{URL: "https://www.veiligheidsnetwerk.example/podcast/afl-12.mp3", Type: "audio/mpeg"}},
		},
		{
			ID: "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", Source: "veiligheidsnetwerk", Title: "Oproep: <script>alert('titel')</script> & &lt;b&gt; getuigen gezocht",
			URL: "", Summary: "Een bericht zonder link.", Published: day(6), DateGuessed: true, Authors: []string{"redactie@veiligheidsnetwerk.example"},
			Enclosures: []item.Enclosure{{URL: "javascript:alert(1)"}},
		},
	}
}

var testNames = namer{
	theme:  func(id string) string { return id },
	source: func(id string) string { return "Bron " + id },
	sourceURL: func(id string) string {
		if id == "rijksoverheid-jenv" {
			return "https://www.rijksoverheid.nl/api/rss?query=justitie"
		}
		return ""
	},
}

// TestRenderRichGolden renders the rich items in every format against
// testdata/rich.*.golden; run with -update after an intended change.
func TestRenderRichGolden(t *testing.T) {
	items := richItems()
	info := feedInfo{Title: "Baken", SelfURL: "https://baken.example.nl/feeds/all.rss", HomeURL: "https://baken.example.nl/", Updated: items[0].Published}
	for name, render := range map[string]func() ([]byte, error){
		"rich.rss": func() ([]byte, error) { return renderRSS(info, items, testNames) },
		"rich.atom": func() ([]byte, error) {
			return renderAtom(info, items, testNames, "https://baken.example.nl/feeds/themes/")
		},
		"rich.json": func() ([]byte, error) { return renderJSON(info, items, testNames) },
	} {
		t.Run(name, func(t *testing.T) {
			got, err := render()
			if err != nil {
				t.Fatal(err)
			}
			golden := "testdata/" + name + ".golden"
			if *update {
				os.WriteFile(golden, got, 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s", name, golden, got)
			}
			// Any reader gets the titles back as the text they are, the
			// files with type and length and the authors.
			f, err := gofeed.NewParser().Parse(bytes.NewReader(got))
			if err != nil || len(f.Items) != len(items) {
				t.Fatalf("gofeed reads %s: %v", name, err)
			}
			for i, fi := range f.Items {
				title := fi.Title
				if strings.HasSuffix(name, ".rss") {
					title = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'").Replace(title)
				}
				if title != items[i].Title {
					t.Errorf("item %d: title %q, want %q", i, title, items[i].Title)
				}
				if len(fi.Enclosures) == 0 && i < 2 {
					t.Errorf("item %d: no enclosure", i)
				}
				for _, e := range fi.Enclosures {
					if e.Type == "" || !strings.HasPrefix(e.URL, "https://") {
						t.Errorf("item %d: enclosure %+v", i, e)
					}
				}
				if len(items[i].Authors) > 0 && (len(fi.Authors) == 0 || fi.Authors[0].Name != items[i].Authors[0] && fi.Authors[0].Email != items[i].Authors[0]) {
					t.Errorf("item %d: authors %v, want %q", i, fi.Authors, items[i].Authors)
				}
			}
		})
	}
}

// TestFeedValidatorRules checks what the W3C Feed Validator reports as
// errors in gorilla/feeds' defaults and in what real sources carry
// (enclosures, entries' own authors, derived titles, no link), and other
// required elements.
func TestFeedValidatorRules(t *testing.T) {
	for _, set := range []struct {
		name  string
		items []item.Item
	}{{"plain", testItems()}, {"rich", richItems()}} {
		t.Run(set.name, func(t *testing.T) {
			items := set.items
			info := feedInfo{Title: "Baken", SelfURL: "https://baken.example.nl/feeds/all.rss", HomeURL: "https://baken.example.nl/", Updated: items[0].Published}
			rss, err := renderRSS(info, items, testNames)
			if err != nil {
				t.Fatal(err)
			}
			checkRSS(t, rss, info)
			atom, err := renderAtom(info, items, testNames, "https://baken.example.nl/feeds/themes/")
			if err != nil {
				t.Fatal(err)
			}
			checkAtom(t, atom, info)
			js, err := renderJSON(info, items, testNames)
			if err != nil {
				t.Fatal(err)
			}
			checkJSON(t, js, items)
		})
	}
}

func checkRSS(t *testing.T, rss []byte, info feedInfo) {
	t.Helper()
	var doc struct {
		Atom    string `xml:"atom,attr"`
		DC      string `xml:"dc,attr"`
		Channel struct {
			Title          string `xml:"title"`
			Description    string `xml:"description"`
			ManagingEditor string `xml:"managingEditor"`
			// <link> and <atom:link> share a local name.
			Links []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
				Href    string `xml:"href,attr"`
				Rel     string `xml:"rel,attr"`
				Type    string `xml:"type,attr"`
			} `xml:"link"`
			Items []struct {
				Title string `xml:"title"`
				Guid  struct {
					Value       string `xml:",chardata"`
					IsPermaLink string `xml:"isPermaLink,attr"`
				} `xml:"guid"`
				PubDate    string   `xml:"pubDate"`
				Links      []string `xml:"link"`
				Author     string   `xml:"author"`
				Creators   []string `xml:"http://purl.org/dc/elements/1.1/ creator"`
				Enclosures []struct {
					URL    string `xml:"url,attr"`
					Length string `xml:"length,attr"`
					Type   string `xml:"type,attr"`
				} `xml:"enclosure"`
				Source *struct {
					URL  string `xml:"url,attr"`
					Name string `xml:",chardata"`
				} `xml:"source"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(rss, &doc); err != nil {
		t.Fatal(err)
	}
	ch := doc.Channel
	var link string
	var atomLinks []string
	for _, l := range ch.Links {
		switch l.XMLName.Space {
		case "":
			link = l.Value
		case "http://www.w3.org/2005/Atom":
			atomLinks = append(atomLinks, l.Rel+" "+l.Href+" "+l.Type)
		}
	}
	if ch.Title == "" || link == "" || ch.Description == "" {
		t.Error("RSS channel misses title, link or description")
	}
	if ch.ManagingEditor != "" && !strings.Contains(ch.ManagingEditor, "@") {
		t.Errorf("managingEditor %q is not an e-mail address", ch.ManagingEditor)
	}
	if want := "self " + info.SelfURL + " application/rss+xml"; len(atomLinks) != 1 || atomLinks[0] != want {
		t.Errorf("RSS atom:link = %q, want %q", atomLinks, want)
	}
	if bytes.Contains(rss, []byte("<link></link>")) || bytes.Contains(rss, []byte("<link/>")) {
		t.Error("RSS has an empty <link>")
	}
	for _, it := range ch.Items {
		if it.Title == "" {
			t.Error("RSS item without a title")
		}
		// A reader that renders titles as HTML must show the text, not
		// run it: after the XML decoding no markup is left.
		if strings.ContainsAny(it.Title, "<>") {
			t.Errorf("RSS title %q carries markup once decoded", it.Title)
		}
		if it.Guid.IsPermaLink != "false" || !strings.HasPrefix(it.Guid.Value, "urn:uuid:") {
			t.Errorf("guid %+v: want a urn:uuid with isPermaLink=false", it.Guid)
		}
		if _, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil {
			t.Errorf("pubDate %q is not RFC 822: %v", it.PubDate, err)
		}
		for _, l := range it.Links {
			if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
				t.Errorf("item link %q is not an http(s) URL", l)
			}
		}
		if it.Author != "" && !strings.Contains(it.Author, "@") {
			t.Errorf("author %q is not an e-mail address (a name goes in dc:creator)", it.Author)
		}
		if len(it.Creators) > 0 && doc.DC != "http://purl.org/dc/elements/1.1/" {
			t.Errorf("dc:creator without the dc namespace (%q)", doc.DC)
		}
		if len(it.Enclosures) > 1 {
			t.Errorf("%d enclosures in one item: RSS allows one", len(it.Enclosures))
		}
		for _, e := range it.Enclosures {
			if _, err := strconv.ParseInt(e.Length, 10, 64); err != nil || e.Type == "" || !strings.HasPrefix(e.URL, "http") {
				t.Errorf("enclosure %+v: want url, length and type", e)
			}
		}
		if it.Source != nil && (!strings.HasPrefix(it.Source.URL, "http") || it.Source.Name == "") {
			t.Errorf("source %+v: want a url and a name", it.Source)
		}
	}
}

func checkAtom(t *testing.T, atom []byte, info feedInfo) {
	t.Helper()
	var feed struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Author  *struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Links []struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"link"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Authors []struct {
				Name string `xml:"name"`
			} `xml:"author"`
			Links []struct {
				Href   string `xml:"href,attr"`
				Rel    string `xml:"rel,attr"`
				Type   string `xml:"type,attr"`
				Length string `xml:"length,attr"`
			} `xml:"link"`
			Source *struct {
				ID      string `xml:"id"`
				Title   string `xml:"title"`
				Updated string `xml:"updated"`
			} `xml:"source"`
			Categories []struct {
				Term string `xml:"term,attr"`
			} `xml:"category"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(atom, &feed); err != nil {
		t.Fatal(err)
	}
	if feed.ID == "" || feed.Title == "" || feed.Author == nil || feed.Author.Name == "" {
		t.Error("Atom feed misses id, title or author")
	}
	self := false
	for _, l := range feed.Links {
		self = self || (l.Rel == "self" && l.Href == info.SelfURL)
	}
	if !self {
		t.Errorf("Atom links %+v: no rel=self", feed.Links)
	}
	updated := map[string]string{} // the W3C validator's DuplicateUpdated
	for _, e := range feed.Entries {
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil || e.ID == "" || e.Title == "" {
			t.Errorf("entry %q: id %q, updated %q", e.Title, e.ID, e.Updated)
		}
		if other, dup := updated[e.Updated]; dup {
			t.Errorf("entries %q and %q have the same updated %s (DuplicateUpdated)", other, e.Title, e.Updated)
		}
		updated[e.Updated] = e.Title
		for _, a := range e.Authors {
			if a.Name == "" {
				t.Errorf("entry %q: author without a name", e.Title)
			}
		}
		for _, l := range e.Links {
			if l.Href == "" || (l.Rel == "enclosure" && l.Type == "") {
				t.Errorf("entry %q: link %+v", e.Title, l)
			}
			if l.Length != "" {
				if _, err := strconv.ParseInt(l.Length, 10, 64); err != nil {
					t.Errorf("entry %q: link length %q", e.Title, l.Length)
				}
			}
		}
		if s := e.Source; s == nil || s.ID == "" || s.Title == "" || s.Updated == "" {
			t.Errorf("entry %q: source %+v, want id, title and updated", e.Title, s)
		}
		for _, c := range e.Categories {
			if c.Term == "" {
				t.Errorf("entry %q: category without term", e.Title)
			}
		}
	}
}

func checkJSON(t *testing.T, data []byte, items []item.Item) {
	t.Helper()
	var f struct {
		Items []struct {
			ID          string `json:"id"`
			URL         string `json:"url"`
			Title       string `json:"title"`
			Attachments []struct {
				URL      string `json:"url"`
				MIMEType string `json:"mime_type"`
			} `json:"attachments"`
			Authors []struct {
				Name string `json:"name"`
			} `json:"authors"`
			Baken struct {
				Source       string `json:"source"`
				TitleDerived bool   `json:"title_derived"`
			} `json:"_baken"`
		} `json:"items"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	for i, it := range f.Items {
		want := items[i]
		if it.ID == "" || it.Title != want.Title || it.Baken.Source != want.Source || it.Baken.TitleDerived != want.TitleDerived {
			t.Errorf("JSON item %d = %+v, want title %q, source, title_derived %v", i, it, want.Title, want.TitleDerived)
		}
		if it.URL != "" && !strings.HasPrefix(it.URL, "http") {
			t.Errorf("JSON item %d: url %q", i, it.URL)
		}
		for _, a := range it.Attachments {
			if a.URL == "" || a.MIMEType == "" {
				t.Errorf("JSON item %d: attachment %+v, want url and mime_type", i, a)
			}
		}
		if len(it.Authors) != len(want.Authors) {
			t.Errorf("JSON item %d: authors %+v, want %q", i, it.Authors, want.Authors)
		}
	}
}

// TestRSSTitle: a plain-text title goes into RSS as it is, unless an HTML
// reader would read markup or an entity in it; then it is escaped once.
func TestRSSTitle(t *testing.T) {
	tests := []struct{ title, want string }{
		{"Jaarwisseling: vuurwerkverbod & cameratoezicht in Huizen", "Jaarwisseling: vuurwerkverbod & cameratoezicht in Huizen"},
		{"R&D-budget voor cyberweerbaarheid", "R&D-budget voor cyberweerbaarheid"},
		{"Oproep: <script>alert(1)</script>", "Oproep: &lt;script&gt;alert(1)&lt;/script&gt;"},
		{"Wat betekent &amp; in een titel?", "Wat betekent &amp;amp; in een titel?"},
		{"3 > 2 & 1", "3 &gt; 2 &amp; 1"},
	}
	for _, tt := range tests {
		if got := rssText(tt.title); got != tt.want {
			t.Errorf("rssText(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

// TestServeRichItems: items with files, authors and a derived title come
// out of the running publisher with all of it, in every format (feed_size
// 2: the newest two).
func TestServeRichItems(t *testing.T) {
	p, js, srv := publisherUnderTest(t)
	for _, it := range richItems() {
		if err := stage.Publish(context.Background(), js, bus.CuratedItemSubject(it.ID), it); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "three items", func() bool { return p.View().Held() == 3 })
	tests := []struct {
		path string
		want []string
	}{
		{"/feeds/all.rss", []string{`<enclosure url="https://www.rijksoverheid.nl/binaries/rapport-aanpak-2023.pdf" length="2480311" type="application/pdf">`,
			"<dc:creator>D. Yeşilgöz</dc:creator>", "<baken:titleDerived>true</baken:titleDerived>"}},
		{"/feeds/all.atom", []string{`<link href="https://www.veiligheidsnetwerk.example/podcast/afl-12.mp3" rel="enclosure" type="audio/mpeg">`,
			"<name>Ministerie van Justitie en Veiligheid</name>", "<source>"}},
		{"/feeds/all.json", []string{`"mime_type": "application/pdf"`, `"size_in_bytes": 2480311`, `"title_derived": true`, `"name": "D. Yeşilgöz"`}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, srv.URL+tt.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			for _, w := range tt.want {
				if !bytes.Contains(body, []byte(w)) {
					t.Errorf("%s lacks %q:\n%s", tt.path, w, body)
				}
			}
			if bytes.Contains(body, []byte("<link></link>")) || bytes.Contains(body, []byte("javascript:")) {
				t.Errorf("%s has an empty or javascript: link", tt.path)
			}
		})
	}
}
