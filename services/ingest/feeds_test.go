package ingest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
)

// realFeeds are fixtures shaped like feeds other people write: every entry
// of each must become an item.
var realFeeds = []struct {
	file, feedURL, contentType string
	entries                    int
}{
	{"linkblog.rss", "http://leeslijst.ondermijning.example/feed/", "application/rss+xml", 6},
	{"rss091.xml", "http://www.urk.example/rss.xml", "text/xml", 2},
	{"rss10.rdf", "https://www.ccv.example/rss", "application/rdf+xml", 2},
	{"podcast.atom", "https://veiligthuis.example/podcast.atom", "application/atom+xml", 2},
	{"tolerant.json", "https://www.zvhutrecht.example/feed.json", "application/feed+json", 2},
	{"undated-agenda.rss", "https://www.rijksoverheid.nl/api/rss?query=bzk", "application/rss+xml; charset=utf-8", 3},
	{"broken-utf8.rss", "https://www.riec-on.example/rss", "application/rss+xml; charset=utf-8", 2},
}

// feedGolden is what a real feed normalises to, and what parsing repaired.
type feedGolden struct {
	Notes []string    `json:"notes,omitempty"`
	Items []item.Item `json:"items"`
}

func readFeed(t *testing.T, file, contentType, feedURL string) feedGolden {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "feeds", file))
	if err != nil {
		t.Fatal(err)
	}
	feed, notes, err := parseFeed(data, contentType)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	src := config.Source{ID: strings.TrimSuffix(file, filepath.Ext(file)), Kind: "feed"}
	items, errs := NewNormalizer(fixedClock).Feed(src, feed, feedURL)
	if len(errs) != 0 {
		t.Errorf("%s: entries skipped: %v", file, errs)
	}
	seenSet{}.sharedLinks(src.ID, items) // as a first poll does
	return feedGolden{Notes: notes, Items: items}
}

// TestRealFeedsGolden: every entry of every fixture is an item, against
// testdata/feeds/*.golden.json (go test -update rewrites them).
func TestRealFeedsGolden(t *testing.T) {
	for _, tc := range realFeeds {
		t.Run(tc.file, func(t *testing.T) {
			g := readFeed(t, tc.file, tc.contentType, tc.feedURL)
			if len(g.Items) != tc.entries {
				t.Errorf("%d items, want all %d entries", len(g.Items), tc.entries)
			}
			src := config.Source{ID: strings.TrimSuffix(tc.file, filepath.Ext(tc.file))}
			ids := map[string]bool{}
			for _, it := range g.Items {
				checkItem(t, src, it)
				if ids[it.ID] {
					t.Errorf("id %s used twice", it.ID)
				}
				ids[it.ID] = true
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(g); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "feeds", tc.file+".golden.json")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s differs from %s (run go test -update after checking):\n%s", tc.file, path, buf.Bytes())
			}
		})
	}
}

// TestRealFeedsFields checks, entry by entry, what the issue asks of links,
// titles, dates, authors and enclosures.
func TestRealFeedsFields(t *testing.T) {
	byTitle := map[string]item.Item{}
	notes := map[string][]string{}
	for _, tc := range realFeeds {
		g := readFeed(t, tc.file, tc.contentType, tc.feedURL)
		notes[tc.file] = g.Notes
		for _, it := range g.Items {
			byTitle[it.Title] = it
		}
	}
	tests := []struct {
		name, title string
		check       func(t *testing.T, it item.Item)
	}{
		{"tracking parameters go, the rest of the link stays", "WODC: de aanpak van drugscriminaliteit in havens", func(t *testing.T, it item.Item) {
			if it.URL != "https://www.wodc.nl/actueel/nieuws/2024/01/05/aanpak-drugscriminaliteit-havens" {
				t.Errorf("url %q", it.URL)
			}
			if strings.Join(it.Authors, "|") != "Marieke de Vries|Ahmed El Amrani" {
				t.Errorf("authors %q, want both dc:creator", it.Authors)
			}
			want := []item.Enclosure{{URL: "https://www.wodc.nl/binaries/3290-volledige-tekst_tcm28-562187.pdf", Type: "application/pdf", Length: 2480311}}
			if !equalEnclosures(it.Enclosures, want) {
				t.Errorf("enclosures %+v, want %+v", it.Enclosures, want)
			}
		}},
		{"http, a bare query key and a fragment stay as given", "Weekoverzicht: drie podcasts over witwassen", func(t *testing.T, it item.Item) {
			if it.URL != "http://leeslijst.ondermijning.example/2024/week-1?r123#podcasts" {
				t.Errorf("url %q", it.URL)
			}
			if strings.Join(it.Authors, "|") != "Redactie Leeslijst" {
				t.Errorf("authors %q", it.Authors)
			}
			want := []item.Enclosure{
				{URL: "https://podcast.ondermijning.example/afl-41.mp3", Type: "audio/mpeg", Length: 48213770},
				{URL: "http://leeslijst.ondermijning.example/img/week-1.jpg", Type: "image/*"},
			}
			if !equalEnclosures(it.Enclosures, want) {
				t.Errorf("media:content %+v, want %+v", it.Enclosures, want)
			}
		}},
		{"an enclosure without a length", "Weekoverzicht: rapporten over Bibob", func(t *testing.T, it item.Item) {
			if len(it.Enclosures) != 1 || it.Enclosures[0].Length != 0 || it.Enclosures[0].Type != "application/pdf" {
				t.Errorf("enclosures %+v", it.Enclosures)
			}
		}},
		{"no title: derived from the text, marked", "Korte notitie zonder titel: de RIEC-jaarverslagen over 2023 verschijnen in maart, eerder …", func(t *testing.T, it item.Item) {
			if !it.TitleDerived || it.URL != "" {
				t.Errorf("title_derived %v, url %q", it.TitleDerived, it.URL)
			}
			if got := it.Published.Format("2006-01-02T15:04Z07:00"); got != "2024-01-03T13:30Z" || it.DateGuessed {
				t.Errorf("Dutch pubDate read as %s (guessed %v), want 2024-01-03T13:30Z", got, it.DateGuessed)
			}
		}},
		{"markup spelled as entities stays text; a date without a zone is Amsterdam's", "Waarom <script>-tags in een nieuwsbrief niet werken", func(t *testing.T, it item.Item) {
			if got := it.Published.Format("2006-01-02T15:04Z07:00"); got != "2024-01-02T09:15Z" || it.DateGuessed {
				t.Errorf("published %s (guessed %v), want 2024-01-02T09:15Z", got, it.DateGuessed)
			}
		}},
		{"RSS 0.91 in ISO-8859-1, undated", "Burgemeester neemt maatregelen na onrust op de haven", func(t *testing.T, it item.Item) {
			if it.URL != "http://www.urk.example/persberichten/2023/onrust-haven.html" || !it.DateGuessed {
				t.Errorf("url %q, date_guessed %v", it.URL, it.DateGuessed)
			}
		}},
		{"RSS 1.0 with dc:date and dc:creator", "Keurmerk Veilig Ondernemen bestaat 25 jaar", func(t *testing.T, it item.Item) {
			if it.Published.Format("2006-01-02T15:04Z07:00") != "2023-11-28T09:00Z" || strings.Join(it.Authors, "|") != "Redactie CCV" {
				t.Errorf("published %v, authors %q", it.Published, it.Authors)
			}
		}},
		{"RSS 1.0 dc:date as a Dutch date", "Nieuwe handreiking cameratoezicht voor gemeenten", func(t *testing.T, it item.Item) {
			if it.DateGuessed || it.Published.Format("2006-01-02") != "2023-11-27" {
				t.Errorf("published %v (guessed %v), want Amsterdam midnight of 28-11-2023", it.Published, it.DateGuessed)
			}
		}},
		{"Atom type=html title: tags go; enclosure and two authors", "Aflevering 12: huiselijk geweld tijdens de feestdagen", func(t *testing.T, it item.Item) {
			if strings.Join(it.Authors, "|") != "Sanne Bakker|Jeroen Mulder" {
				t.Errorf("authors %q", it.Authors)
			}
			want := []item.Enclosure{{URL: "https://media.veiligthuis.example/afl-12.mp3", Type: "audio/mpeg", Length: 31457280}}
			if !equalEnclosures(it.Enclosures, want) {
				t.Errorf("enclosures %+v", it.Enclosures)
			}
		}},
		{"Atom type=text title spelling a tag keeps it; no link, a relative enclosure", "Waarom we <b> niet in titels zetten", func(t *testing.T, it item.Item) {
			if it.URL != "" || len(it.Enclosures) != 1 || it.Enclosures[0].URL != "https://veiligthuis.example/documenten/stijlgids.pdf" {
				t.Errorf("url %q, enclosures %+v", it.URL, it.Enclosures)
			}
		}},
		{"JSON Feed with single values where lists belong", "Nazorg ex-gedetineerden: nieuwe werkwijze", func(t *testing.T, it item.Item) {
			if strings.Join(it.Categories, "|") != "nieuws" || strings.Join(it.Authors, "|") != "Petra Jansen" {
				t.Errorf("categories %q, authors %q", it.Categories, it.Authors)
			}
			want := []item.Enclosure{{URL: "https://www.zvhutrecht.example/files/werkwijze-nazorg.pdf", Type: "application/pdf", Length: 183204}}
			if !equalEnclosures(it.Enclosures, want) {
				t.Errorf("attachments %+v", it.Enclosures)
			}
			if n := notes["tolerant.json"]; len(n) != 1 || !strings.Contains(n[0], "tags") || !strings.Contains(n[0], "attachments") {
				t.Errorf("notes %q, want the repaired fields named", n)
			}
		}},
		{"JSON Feed item without title or url", "Het spreekuur voor professionals over verward gedrag is verplaatst naar donderdag.", func(t *testing.T, it item.Item) {
			if !it.TitleDerived || it.GUID != "zvh-2024-002" || strings.Join(it.Authors, "|") != "Team PGA" {
				t.Errorf("%+v", it)
			}
		}},
		{"invalid UTF-8 replaced, the rest kept", "Bestuurlijke aanpak caf\uFFFDs in Enschede", func(t *testing.T, it item.Item) {
			if n := notes["broken-utf8.rss"]; len(n) != 1 || !strings.Contains(n[0], "repaired: 5 invalid UTF-8") {
				t.Errorf("notes %q, want the repair reported", n)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, ok := byTitle[tt.title]
			if !ok {
				t.Fatalf("no item titled %q", tt.title)
			}
			tt.check(t, it)
		})
	}
}

func equalEnclosures(a, b []item.Enclosure) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
