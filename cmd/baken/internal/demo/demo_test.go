package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/services/ingest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// now is when the golden scrapes pretend to run: undated items get it.
var now = time.Date(2024, 1, 6, 12, 0, 0, 0, time.UTC)

// scraped is what a golden file holds for one source.
type scraped struct {
	Found    int            `json:"found"`
	Pages    int            `json:"pages"`
	Followed int            `json:"followed,omitempty"`
	Missing  map[string]int `json:"missing,omitempty"`
	Skipped  []string       `json:"skipped,omitempty"`
	Items    []item.Item    `json:"items"`
}

// TestScrapeLayouts scrapes every html source of the demo configuration
// from the fixture pages, through the fixture server acting as the proxy
// for the sites' hosts, and compares the items with the golden files: the
// layouts of the five seed pages and the NCTV's.
func TestScrapeLayouts(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	cfg, err := Config(srv.URL, "http://baken.test")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ingest.NewScraper(cfg.Ingest, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct{ items, pages int }{
		"nctv": {2, 1}, "veiligheidscoalitie": {20, 2}, "veiligheidscoalitie-nieuwsbrief": {10, 1},
		"veiligheidsalliantie": {1, 1}, "veiligheidsnetwerk-oost": {1, 1}, "nh-jaarverslag": {1, 1},
	}
	for _, src := range cfg.Sources {
		if src.Kind != "html" {
			continue
		}
		t.Run(src.ID, func(t *testing.T) {
			res, err := s.Scrape(context.Background(), src, ingest.ScrapeOptions{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if reason := ingest.BrokenReason(src.Scrape, res); reason != "" {
				t.Errorf("looks broken: %s", reason)
			}
			if w := want[src.ID]; len(res.Items) != w.items || res.Pages != w.pages {
				t.Errorf("%d items from %d pages, want %d from %d", len(res.Items), res.Pages, w.items, w.pages)
			}
			g := scraped{Found: res.Found, Pages: res.Pages, Followed: res.Followed, Items: res.Items}
			if len(res.Missing) > 0 {
				g.Missing = res.Missing
			}
			for _, e := range res.Skipped {
				g.Skipped = append(g.Skipped, e.Error())
			}
			golden(t, filepath.Join("testdata", src.ID+".golden.json"), g)
		})
	}
}

func golden(t *testing.T, path string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
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
		t.Errorf("scraped items differ from %s (run go test -update after checking the change):\n%s", path, buf.Bytes())
	}
}

// TestHandler: the fixture server answers for feeds on its own host and for
// the partner sites by host name, as a proxy would be asked, with
// validators; anything else is 404.
func TestHandler(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	proxy, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
	tests := []struct {
		url, contentType, contains string
		status                     int
	}{
		{srv.URL + "/feeds/politie-midden-nederland.rss", "application/rss+xml; charset=utf-8", "<rss", 200},
		{"http://www.nctv.nl/actueel/nieuws", "text/html; charset=utf-8", `<ol class="common results">`, 200},
		{"http://www.veiligheidscoalitie.nl/nieuws/pagina/2", "text/html; charset=utf-8", `rel="prev"`, 200},
		{"http://vl-nieuws.nl/103913-2/", "text/html; charset=utf-8", "05:25", 200},
		{"http://www.veiligheidsalliantie.nl/nieuws", "text/html", "charset=windows-1252", 200},
		{"http://www.nctv.nl/robots.txt", "text/plain; charset=utf-8", "Disallow: /zoeken", 200},
		{"http://jv2022.nh-sv.nl/robots.txt", "", "", 404},
		{"http://www.nctv.nl/../../config.yaml", "", "", 404},
		{"http://elders.example/", "", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			resp, err := client.Get(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status != 200 {
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != tt.contentType || !strings.Contains(string(body), tt.contains) || resp.Header.Get("ETag") == "" {
				t.Errorf("Content-Type %q, ETag %q, body has %q: %v", ct, resp.Header.Get("ETag"), tt.contains, strings.Contains(string(body), tt.contains))
			}
		})
	}
}
