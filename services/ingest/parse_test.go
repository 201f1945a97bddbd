package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bakenhub/baken/pkg/config"
)

// TestParseFeedRepairs: what parseFeed repairs, and what it leaves alone.
func TestParseFeedRepairs(t *testing.T) {
	const rss = `<rss version="2.0"><channel><title>T</title><item><title>%s</title><link>https://a.example/1</link></item></channel></rss>`
	tests := []struct {
		name, body, contentType string
		title, note             string // "" note: nothing repaired
		fails                   bool
	}{
		{"valid UTF-8", `<?xml version="1.0" encoding="UTF-8"?>` + strings.Replace(rss, "%s", "Coördinatie", 1), "", "Coördinatie", "", false},
		{"stray Latin-1 byte in UTF-8", `<?xml version="1.0" encoding="UTF-8"?>` + strings.Replace(rss, "%s", "Co\xf6rdinatie", 1), "", "Co\uFFFDrdinatie", "repaired: 1 invalid UTF-8", false},
		{"declared ISO-8859-1 is decoded, not repaired", `<?xml version="1.0" encoding="ISO-8859-1"?>` + strings.Replace(rss, "%s", "Co\xf6rdinatie", 1), "", "Coördinatie", "", false},
		{"JSON tags as a string", `{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[{"id":"1","url":"https://a.example/1","title":"Een","tags":"nieuws"}]}`, "application/feed+json", "Een", "repaired: JSON Feed fields", false},
		{"JSON author as a string, attachment as an object", `{"version":"https://jsonfeed.org/version/1","title":"T","items":[{"id":"1","title":"Twee","author":"Redactie","attachments":{"url":"https://a.example/r.pdf","mime_type":"application/pdf"}}]}`, "", "Twee", "attachments", false},
		{"broken JSON stays an error", `{"version":"https://jsonfeed.org/version/1.1","items":[`, "", "", "", true},
		{"not a feed", `<html><body>Niets</body></html>`, "text/html", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feed, notes, err := parseFeed([]byte(tt.body), tt.contentType)
			if tt.fails {
				if err == nil {
					t.Errorf("parseFeed = %d items, want an error", len(feed.Items))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(feed.Items) != 1 || feed.Items[0].Title != tt.title {
				t.Errorf("items %+v, want one titled %q", feed.Items, tt.title)
			}
			if got := strings.Join(notes, "; "); (tt.note == "") != (got == "") || !strings.Contains(got, tt.note) {
				t.Errorf("notes %q, want %q", got, tt.note)
			}
		})
	}
}

// FuzzParseFeed: whatever a feed holds, parsing does not panic and every
// entry becomes an item with an id, a title and valid UTF-8 text.
func FuzzParseFeed(f *testing.F) {
	for _, name := range []string{"linkblog.rss", "rss091.xml", "rss10.rdf", "podcast.atom", "tolerant.json", "broken-utf8.rss"} {
		data, err := os.ReadFile(filepath.Join("testdata", "feeds", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, _, err := parseFeed(data, "")
		if err != nil {
			return
		}
		items, _ := NewNormalizer(fixedClock).Feed(config.Source{ID: "fuzz"}, feed, "https://fuzz.example/feed")
		for _, it := range items {
			if it.ID == "" || it.Title == "" {
				t.Errorf("item without id or title: %+v", it)
			}
			if declaresUTF8(data, "") && (!utf8.ValidString(it.Title) || !utf8.ValidString(it.Summary)) {
				t.Errorf("invalid UTF-8 in %q / %q", it.Title, it.Summary)
			}
		}
	})
}
