package ingest

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/charmap"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixedNow is the first-seen time given to undated entries.
var fixedNow = time.Date(2024, 1, 6, 12, 0, 0, 0, time.FixedZone("CET", 3600))

func fixedClock() time.Time { return fixedNow }

// feedCase is one fixture feed, where it was fetched from and what it yields.
type feedCase struct {
	file    string
	feedURL string
	src     config.Source
	items   int
	errs    []string // substrings, one per rejected entry, in feed order
}

var feedCases = []feedCase{
	{
		file:    "rijksoverheid-jenv.rss",
		feedURL: "https://www.rijksoverheid.nl/api/rss?query=%7B%22topic%22%3A%22justitie%22%7D",
		src:     config.Source{ID: "rijksoverheid-jenv", Name: "Rijksoverheid J&V", Kind: "feed"},
		items:   2,
	},
	{
		file:    "politie-midden-nederland.rss",
		feedURL: "https://rss.politie.nl/rss/algemeen/mn/midden-nederland.xml",
		src:     config.Source{ID: "politie-midden-nederland", Kind: "feed", Home: "midden-nederland"},
		items:   4,
	},
	{
		file:    "nctv.atom",
		feedURL: "https://www.nctv.nl/actueel/nieuws.atom",
		src:     config.Source{ID: "nctv", Kind: "feed"},
		items:   4,
	},
	{
		file:    "hostile.rss",
		feedURL: "https://www.veiligheidsnetwerk.example/feed.rss",
		src:     config.Source{ID: "veiligheidsnetwerk", Kind: "feed", Home: "utrecht-stad"},
		// Every entry is kept: one without a title gets a derived one, one
		// without link and guid an id from its text, a javascript: link is
		// dropped.
		items: 7,
	},
}

func parseFixture(t *testing.T, file string) *gofeed.Feed {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feed, err := gofeed.NewParser().Parse(f)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	return feed
}

// golden is what a fixture normalises to.
type golden struct {
	Items  []item.Item `json:"items"`
	Errors []string    `json:"errors,omitempty"`
}

func TestNormalizeGolden(t *testing.T) {
	for _, tc := range feedCases {
		t.Run(tc.file, func(t *testing.T) {
			n := NewNormalizer(fixedClock)
			items, errs := n.Feed(tc.src, parseFixture(t, tc.file), tc.feedURL)
			g := golden{Items: items}
			for _, e := range errs {
				g.Errors = append(g.Errors, e.Error())
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // keep the sanitised HTML readable
			enc.SetIndent("", "  ")
			if err := enc.Encode(g); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			path := filepath.Join("testdata", strings.TrimSuffix(tc.file, filepath.Ext(tc.file))+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("normalised %s differs from %s (run go test -update after checking the change):\n%s", tc.file, path, got)
			}
		})
	}
}

var (
	// Any tag at all, for plain-text fields.
	anyTag     = regexp.MustCompile(`<\s*/?\s*[a-zA-Z]`)
	rfc3339UTC = regexp.MustCompile(`^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$`)
	tracking   = regexp.MustCompile(`(?i)[?&](utm_|mc_|fbclid|gclid)`)
)

func TestNormalizeInvariants(t *testing.T) {
	for _, tc := range feedCases {
		t.Run(tc.file, func(t *testing.T) {
			n := NewNormalizer(fixedClock)
			items, errs := n.Feed(tc.src, parseFixture(t, tc.file), tc.feedURL)
			if len(items) != tc.items {
				t.Errorf("%d items, want %d", len(items), tc.items)
			}
			if len(errs) != len(tc.errs) {
				t.Errorf("%d entry errors %v, want %d", len(errs), errs, len(tc.errs))
			}
			for i, e := range errs {
				if i < len(tc.errs) && !strings.Contains(e.Error(), tc.errs[i]) {
					t.Errorf("error %d = %q, want it to contain %q", i, e, tc.errs[i])
				}
			}
			ids := map[string]bool{}
			for _, it := range items {
				t.Run(it.Title, func(t *testing.T) {
					checkItem(t, tc.src, it)
				})
				if ids[it.ID] {
					t.Errorf("id %s used twice", it.ID)
				}
				ids[it.ID] = true
			}
		})
	}
}

// checkItem asserts what every normalised item must satisfy.
func checkItem(t *testing.T, src config.Source, it item.Item) {
	t.Helper()
	want := item.EntryID(src.ID, it.GUID, it.Title, it.Text())
	if it.URL != "" {
		if !strings.HasPrefix(it.URL, "https://") && !strings.HasPrefix(it.URL, "http://") {
			t.Errorf("url %q is not http(s)", it.URL)
		}
		if tracking.MatchString(it.URL) {
			t.Errorf("url %q keeps tracking parameters", it.URL)
		}
		if again, err := item.Link(it.URL, ""); err != nil || again != it.URL {
			t.Errorf("url %q is not the cleaned link: Link gives %q, %v", it.URL, again, err)
		}
		c, err := item.Canonical(it.URL, "")
		if err != nil {
			t.Fatal(err)
		}
		want = item.NewID(c, src.ID, it.GUID)
		if shared := item.SharedLinkID(c, src.ID, it.GUID); it.ID == shared {
			want = shared // another entry of the source has this link
		}
	}
	if it.ID != want {
		t.Errorf("id = %s, want %s", it.ID, want)
	}
	if it.Source != src.ID || it.Home != src.Home {
		t.Errorf("source, home = %q, %q; want %q, %q", it.Source, it.Home, src.ID, src.Home)
	}
	if strings.TrimSpace(it.Title) == "" {
		t.Error("empty title")
	}
	for field, s := range map[string]string{"title": it.Title, "summary": it.Summary} {
		// A title is plain text: markup the source spelled as text stays.
		if field == "summary" && anyTag.MatchString(s) {
			t.Errorf("%s %q carries markup", field, s)
		}
		if strings.Contains(s, "  ") || strings.ContainsAny(s, "\n\t") || s != strings.TrimSpace(s) {
			t.Errorf("%s %q has uncollapsed white space", field, s)
		}
	}
	if p := activeMarkup(it.Content); p != "" {
		t.Errorf("content keeps %s: %s", p, it.Content)
	}
	if it.Published.IsZero() || it.Published.Location() != time.UTC {
		t.Errorf("published %v is not a UTC time", it.Published)
	}
	if !it.Updated.IsZero() && (it.Updated.Location() != time.UTC || !it.Updated.After(it.Published)) {
		t.Errorf("updated %v is not a UTC time after published %v", it.Updated, it.Published)
	}
	data, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"published", "updated"} {
		if v, ok := raw[k]; ok && !rfc3339UTC.Match(v) {
			t.Errorf("%s encodes as %s, want RFC 3339 in UTC", k, v)
		}
	}
	if it.Language == "" {
		t.Error("no language")
	}
}

// TestNormalizeEntries pins the fields that matter per entry.
func TestNormalizeEntries(t *testing.T) {
	byURL := map[string]item.Item{}
	byGUID := map[string]item.Item{}
	for _, tc := range feedCases {
		items, _ := NewNormalizer(fixedClock).Feed(tc.src, parseFixture(t, tc.file), tc.feedURL)
		for _, it := range items {
			byURL[it.URL] = it
			byGUID[it.GUID] = it
		}
	}
	tests := []struct {
		name        string
		url, guid   string // the item looked up
		title       string
		published   string
		updated     string // "" for none
		dateGuessed bool
		language    string
		contains    []string // in content
		summary     string   // prefix
		categories  []string
	}{
		{
			name:      "rijksoverheid: RFC 822 GMT at Amsterdam midnight",
			url:       "https://www.rijksoverheid.nl/actueel/nieuws/2023/11/14/campagnematerialen-laat-je-niet-interneppen-beschikbaar",
			title:     "Campagnematerialen ‘Laat je niet interneppen’ beschikbaar",
			published: "2023-11-13T23:00:00Z",
			language:  "nl",
			contains:  []string{"<p>Het ministerie van Justitie en Veiligheid", "campagne uit te zetten in hun regio."},
			summary:   "Het ministerie van Justitie en Veiligheid en het ministerie van Binnenlandse Zaken",
		},
		{
			name:      "rijksoverheid: summer time",
			url:       "https://www.rijksoverheid.nl/actueel/nieuws/2019/07/11/factsheet-stand-van-zaken-ondermijningswetgeving",
			title:     "Factsheet stand van zaken Ondermijningswetgeving",
			published: "2019-07-10T22:00:00Z",
			language:  "nl",
			contains:  []string{"s.m.boom@minjenv.nl"},
		},
		{
			name:       "politie: numeric zone, CDATA content, categories",
			url:        "https://www.politie.nl/nieuws/2023/december/20/03-geregistreerde-criminaliteit-stijgt-met-2-procent-in-de-eerste-elf-maanden.html",
			title:      "Geregistreerde criminaliteit stijgt met 2% in de eerste elf maanden",
			published:  "2023-12-20T09:32:00Z",
			language:   "nl",
			contains:   []string{"zakkenrollen (+50%)"},
			summary:    "In de eerste tien maanden van 2023 stijgt in Midden-Nederland de totale geregistreerde criminaliteit met 2%",
			categories: []string{"Nieuws", "Midden-Nederland", "Criminaliteitscijfers"},
		},
		{
			name:      "nctv: atom with a later updated",
			url:       "https://english.nctv.nl/latest/news/2023/12/12/terrorist-threat-level-raised-to-4-substantial",
			title:     "Terrorist threat level raised to 4 (substantial)",
			published: "2023-12-12T09:00:00Z",
			updated:   "2023-12-12T09:20:00Z",
			language:  "en", // gofeed gives no entry-level xml:lang: told from the words
		},
		{
			name:      "nctv: updated equal to published is no update",
			url:       "https://www.nctv.nl/actueel/nieuws/2023/12/12/nieuwe-dreigingsbeeld-terrorisme-nederland-dtn-verschenen",
			title:     "Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen",
			published: "2023-12-12T09:00:00Z",
			language:  "nl",
			contains:  []string{"van 3 (&#39;voorstelbaar&#39;) naar 4 (&#39;reëel&#39;)"},
		},
		{
			name:      "hostile: script spelled in title stays text; tracking gone, http and fragment kept",
			url:       "http://www.veiligheidsnetwerk.example/nieuws/2024/01/02/oproep-getuigen-explosie?id=42#reacties",
			title:     "Oproep: <script>alert('titel')</script> getuigen gezocht na explosie in Utrecht",
			published: "2024-01-02T07:15:00Z",
			language:  "nl",
			contains: []string{
				"<b>explosie</b>",
				`<a href="https://www.politie.nl/tips" rel="noreferrer">politie.nl</a>`,
				`<img src="https://www.veiligheidsnetwerk.example/img/explosie.jpg" alt="Woning na de explosie">`,
			},
			summary: "De politie zoekt getuigen van een explosie bij een woning in Utrecht.",
		},
		{
			name:      "hostile: relative link resolved against the feed",
			url:       "https://www.veiligheidsnetwerk.example/nieuws/2024/01/04/bijeenkomst-ondermijning-amersfoort",
			title:     "Bijeenkomst ondermijning in Amersfoort",
			published: "2024-01-04T08:00:00Z",
			language:  "nl",
		},
		{
			name:        "hostile: undated entry gets the first-seen time",
			url:         "https://WWW.Veiligheidsnetwerk.example:443/nieuws/jaarwisseling-vuurwerkverbod?page=2",
			title:       "Jaarwisseling: vuurwerkverbod & cameratoezicht in Huizen",
			published:   "2024-01-06T11:00:00Z",
			dateGuessed: true,
			language:    "nl",
			summary:     "Het noodbevel geldt van 31 december 18.00 uur tot 1 januari 02.00 uur.",
		},
		{
			name:      "hostile: guid only, dc:date",
			guid:      "nieuwsbrief-2024-01",
			title:     "Alleen een guid: nieuwsbrief januari",
			published: "2024-01-05T15:30:00Z",
			language:  "nl",
			summary:   "De nieuwsbrief van januari staat online. Lees meer",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, ok := byURL[tt.url]
			if tt.url == "" {
				it, ok = byGUID[tt.guid]
			}
			if !ok {
				t.Fatalf("no item for url %q guid %q", tt.url, tt.guid)
			}
			if it.Title != tt.title {
				t.Errorf("title = %q, want %q", it.Title, tt.title)
			}
			if got := it.Published.Format(time.RFC3339); got != tt.published {
				t.Errorf("published = %s, want %s", got, tt.published)
			}
			if got := formatOrEmpty(it.Updated); got != tt.updated {
				t.Errorf("updated = %q, want %q", got, tt.updated)
			}
			if it.DateGuessed != tt.dateGuessed {
				t.Errorf("date_guessed = %v, want %v", it.DateGuessed, tt.dateGuessed)
			}
			if it.Language != tt.language {
				t.Errorf("language = %q, want %q", it.Language, tt.language)
			}
			for _, s := range tt.contains {
				if !strings.Contains(it.Content, s) {
					t.Errorf("content lacks %q:\n%s", s, it.Content)
				}
			}
			if !strings.HasPrefix(it.Summary, tt.summary) {
				t.Errorf("summary = %q, want it to start with %q", it.Summary, tt.summary)
			}
			if tt.categories != nil && strings.Join(it.Categories, "|") != strings.Join(tt.categories, "|") {
				t.Errorf("categories = %q, want %q", it.Categories, tt.categories)
			}
		})
	}
}

func formatOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func TestNormalizeLanguage(t *testing.T) {
	tests := []struct {
		name       string
		sourceLang string
		feedLang   string
		want       string
	}{
		{"from the feed", "", "nl", "nl"},
		{"region subtag dropped", "", "nl-NL", "nl"},
		{"underscore and case", "", " NL_be ", "nl"},
		{"english feed", "", "en-GB", "en"},
		{"source setting wins", "en", "nl-NL", "en"},
		{"default dutch", "", "", "nl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feed := &gofeed.Feed{Language: tt.feedLang, Items: []*gofeed.Item{{
				Title: "Risk and Crisis Barometer autumn 2023 published",
				Link:  "https://english.nctv.nl/latest/news/2023/12/05/risk-and-crisis-barometer-autumn-2023-published",
			}}}
			src := config.Source{ID: "nctv", Language: tt.sourceLang}
			items, errs := NewNormalizer(fixedClock).Feed(src, feed, "https://www.nctv.nl/")
			if len(errs) != 0 || len(items) != 1 {
				t.Fatalf("items %d, errs %v", len(items), errs)
			}
			if items[0].Language != tt.want {
				t.Errorf("language = %q, want %q", items[0].Language, tt.want)
			}
		})
	}
}

func TestNormalizeDates(t *testing.T) {
	pub := time.Date(2023, 12, 20, 10, 32, 0, 0, time.FixedZone("CET", 3600))
	upd := time.Date(2023, 12, 21, 8, 0, 0, 0, time.FixedZone("CET", 3600))
	now := time.Date(2024, 1, 6, 12, 0, 0, 987654321, time.FixedZone("CET", 3600))
	tests := []struct {
		name          string
		pub, upd      *time.Time
		wantPublished time.Time
		wantUpdated   time.Time
		wantGuessed   bool
	}{
		{"published only", &pub, nil, pub.UTC(), time.Time{}, false},
		{"published and later updated", &pub, &upd, pub.UTC(), upd.UTC(), false},
		{"updated before published is ignored", &upd, &pub, upd.UTC(), time.Time{}, false},
		{"updated only", nil, &upd, upd.UTC(), time.Time{}, false},
		{"undated", nil, nil, time.Date(2024, 1, 6, 11, 0, 0, 0, time.UTC), time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &gofeed.Item{
				Title:           "Geregistreerde criminaliteit stijgt met 2% in de eerste elf maanden",
				Link:            "https://www.politie.nl/nieuws/2023/december/20/03-geregistreerde-criminaliteit-stijgt-met-2-procent-in-de-eerste-elf-maanden.html",
				PublishedParsed: tt.pub,
				UpdatedParsed:   tt.upd,
			}
			it, err := NewNormalizer(func() time.Time { return now }).Entry(config.Source{ID: "politie"}, e, "", "nl")
			if err != nil {
				t.Fatal(err)
			}
			if !it.Published.Equal(tt.wantPublished) || it.Published.Location() != time.UTC {
				t.Errorf("published = %v, want %v in UTC", it.Published, tt.wantPublished)
			}
			if !it.Updated.Equal(tt.wantUpdated) {
				t.Errorf("updated = %v, want %v", it.Updated, tt.wantUpdated)
			}
			if it.DateGuessed != tt.wantGuessed {
				t.Errorf("date_guessed = %v, want %v", it.DateGuessed, tt.wantGuessed)
			}
		})
	}
}

// TestNormalizeBadEntryKeepsOthers: one broken entry in the middle of a
// real feed costs only that entry.
// TestNormalizeBadLinkKeepsEntry: an entry whose link is no web page
// (mailto:) is kept without a link, with an id from its text.
func TestNormalizeBadLinkKeepsEntry(t *testing.T) {
	feed := parseFixture(t, "politie-midden-nederland.rss")
	broken := *feed.Items[1]
	broken.Title, broken.Link, broken.Links, broken.GUID = "Werf jij al Burgernetdeelnemers?", "mailto:info@politie.nl", nil, ""
	feed.Items[1] = &broken
	src := config.Source{ID: "politie-midden-nederland"}
	items, errs := NewNormalizer(fixedClock).Feed(src, feed, "https://rss.politie.nl/rss/algemeen/mn/midden-nederland.xml")
	if len(items) != 4 || len(errs) != 0 {
		t.Fatalf("%d items, errors %v; want all 4 entries", len(items), errs)
	}
	it := items[1]
	if it.Title != broken.Title || it.URL != "" || it.ID != item.EntryID(src.ID, "", it.Title, it.Text()) {
		t.Errorf("entry with a mailto: link = %+v, want it kept without a link", it)
	}
}

// FuzzSanitize: whatever HTML a source sends, the content field carries no
// script, style, frame, form, event handler or script URL.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		`<p onclick="x()">a<script>alert(1)</script></p>`,
		`<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>`,
		`<style>p{}</style><svg onload=alert(1)>`,
		`<a href="jav&#x09;ascript:alert(1)">x</a>`,
		`<scr<script>ipt>alert(1)</script>`,
		`<iframe src="https://evil.example"></iframe><p style="x">y</p>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<a href=" JaVaScRiPt:alert(1)">x</a><form action="https://evil.example"><input></form>`,
	} {
		f.Add(s)
	}
	n := NewNormalizer(fixedClock)
	f.Fuzz(func(t *testing.T, s string) {
		out := n.html(s)
		if problem := activeMarkup(out); problem != "" {
			t.Errorf("html(%q) = %q keeps %s", s, out, problem)
		}
		if again := n.html(out); again != out {
			t.Errorf("sanitising %q is not stable:\n once  %q\n twice %q", s, out, again)
		}
	})
}

// forbidden are the elements that may never reach a published feed.
var forbidden = map[string]bool{
	"script": true, "style": true, "iframe": true, "frame": true, "object": true, "embed": true,
	"form": true, "input": true, "button": true, "textarea": true, "select": true,
	"svg": true, "math": true, "link": true, "meta": true, "base": true,
}

// activeMarkup parses an HTML fragment as a browser would and names the
// first element or attribute in it that could run script or restyle the
// page; "" when there is none.
func activeMarkup(fragment string) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return "unparseable html: " + err.Error()
	}
	var walk func(*html.Node) string
	walk = func(n *html.Node) string {
		if n.Type == html.ElementNode {
			if forbidden[n.Data] {
				return "<" + n.Data + ">"
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" {
					return "attribute " + a.Key + " on <" + n.Data + ">"
				}
				v := strings.ToLower(strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, a.Val))
				for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
					if strings.HasPrefix(v, scheme) {
						return a.Key + "=" + a.Val + " on <" + n.Data + ">"
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if p := walk(c); p != "" {
				return p
			}
		}
		return ""
	}
	for _, n := range nodes {
		if p := walk(n); p != "" {
			return p
		}
	}
	return ""
}

// TestNormalizeEncodings: feeds in legacy encodings come out as proper UTF-8.
func TestNormalizeEncodings(t *testing.T) {
	const title = "Nationaal Coördinator: “dreiging reëel”"
	tests := []struct {
		name string
		enc  func(string) ([]byte, error)
		decl string
	}{
		{"utf-8", func(s string) ([]byte, error) { return []byte(s), nil }, "UTF-8"},
		{"utf-8 with bom", func(s string) ([]byte, error) { return append([]byte("\ufeff"), s...), nil }, "UTF-8"},
		{"windows-1252", func(s string) ([]byte, error) { return charmap.Windows1252.NewEncoder().Bytes([]byte(s)) }, "windows-1252"},
		{"iso-8859-1 without typographic quotes", func(s string) ([]byte, error) {
			s = strings.NewReplacer("“", `"`, "”", `"`).Replace(s)
			return charmap.ISO8859_1.NewEncoder().Bytes([]byte(s))
		}, "ISO-8859-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `<?xml version="1.0" encoding="` + tt.decl + `"?>
<rss version="2.0"><channel><title>NCTV</title><language>nl</language>
<item><title>` + title + `</title><link>https://www.nctv.nl/actueel/nieuws/2023/12/12/dtn</link>
<description>Het dreigingsniveau gaat van 3 naar 4: reëel.</description></item></channel></rss>`
			data, err := tt.enc(doc)
			if err != nil {
				t.Fatal(err)
			}
			feed, err := gofeed.NewParser().Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			items, errs := NewNormalizer(fixedClock).Feed(config.Source{ID: "nctv"}, feed, "")
			if len(errs) != 0 || len(items) != 1 {
				t.Fatalf("items %d, errs %v", len(items), errs)
			}
			want := title
			if strings.HasPrefix(tt.name, "iso") {
				want = `Nationaal Coördinator: "dreiging reëel"`
			}
			if items[0].Title != want {
				t.Errorf("title = %q, want %q", items[0].Title, want)
			}
			if items[0].Summary != "Het dreigingsniveau gaat van 3 naar 4: reëel." {
				t.Errorf("summary = %q", items[0].Summary)
			}
		})
	}
}

// TestNormalizeResolvesRelativeLinks: links and images in a feed entry's
// text point from the entry's page, so they are made absolute against it.
func TestNormalizeResolvesRelativeLinks(t *testing.T) {
	tests := []struct {
		name, link, content, want string
	}{
		{"root-relative link", "https://www.veiligheidsalliantie.nl/nieuws/netwerkbijeenkomst",
			`<p>Meld je <a href="/aanmelden?id=7">hier</a> aan.</p>`,
			`<p>Meld je <a href="https://www.veiligheidsalliantie.nl/aanmelden?id=7" rel="noreferrer">hier</a> aan.</p>`},
		{"path-relative image, relative entry link", "/nieuws/2024/01/04/bijeenkomst",
			`<p>Zaal</p><img src="img/zaal.jpg" alt="De zaal">`,
			`<p>Zaal</p><img src="https://www.veiligheidsnetwerk.example/nieuws/2024/01/04/img/zaal.jpg" alt="De zaal"/>`},
		{"absolute links stay as written", "https://www.nctv.nl/actueel/nieuws/dtn",
			`<p>Zie <a href="https://english.nctv.nl/dtn">DTN</a>.</p><img src="https://www.nctv.nl/dtn.png" alt="">`,
			`<p>Zie <a href="https://english.nctv.nl/dtn" rel="noreferrer">DTN</a>.</p><img src="https://www.nctv.nl/dtn.png" alt="">`},
		{"links within the page stay", "https://www.nctv.nl/actueel/nieuws/dtn",
			`<p><a href="#samenvatting">Samenvatting</a></p>`,
			`<p><a href="#samenvatting" rel="noreferrer">Samenvatting</a></p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &gofeed.Item{Title: "Bijeenkomst", Link: tt.link, Content: tt.content}
			it, err := NewNormalizer(fixedClock).Entry(config.Source{ID: "vn"}, e, "https://www.veiligheidsnetwerk.example/feed.rss", "nl")
			if err != nil {
				t.Fatal(err)
			}
			if it.Content != tt.want {
				t.Errorf("content =\n%s\nwant\n%s", it.Content, tt.want)
			}
		})
	}
}
