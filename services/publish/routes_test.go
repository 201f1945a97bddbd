package publish

import (
	"encoding/xml"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/httpserver"
)

// Every route says how it may be cached; feeds, digests and the read-only
// API may be read from any origin, writes may not.
func TestRouteHeaders(t *testing.T) {
	_, srv, _ := selectionUnderTest(t, selectionOptions())
	tests := []struct {
		method, path string
		status       int
		cache        string
		cors         bool
	}{
		{"GET", "/feeds/all.atom", 200, httpserver.CacheFeed, true},
		{"HEAD", "/feeds/themes/ondermijning.rss", 200, httpserver.CacheFeed, true},
		{"GET", "/feeds/custom.json?q=cocaine", 200, httpserver.CacheFeed, true},
		{"GET", "/feeds/all.atom?before=1-a", 200, httpserver.CacheArchive, true},
		{"GET", "/feeds/custom.json?themes=ufo", 400, httpserver.CacheFeed, true},
		{"GET", "/feeds.opml", 200, httpserver.CacheSlow, true},
		{"GET", "/digest/all.html", 200, httpserver.CacheSlow, true},
		{"GET", "/api/items?limit=1", 200, httpserver.CacheFeed, true},
		{"GET", "/api/items/a0000000000000000000000000000001", 200, httpserver.CacheRevalidate, true},
		{"GET", "/", 200, httpserver.CacheFeed, false},
		{"GET", "/api/overrides/audit", 401, httpserver.CacheNever, false},
		{"POST", "/api/overrides", 401, httpserver.CacheNever, false},
		{"GET", "/websub", 405, httpserver.CacheNever, false},
		{"OPTIONS", "/feeds/all.atom", 204, httpserver.CacheSlow, true},
		{"OPTIONS", "/api/items", 204, httpserver.CacheSlow, true},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			req.Header.Set("Origin", "https://widget.example.nl")
			req.Header.Set("Authorization", "Bearer fout")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if got := resp.Header.Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control %q, want %q", got, tt.cache)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin") == "*"; got != tt.cors {
				t.Errorf("CORS %v, want %v", got, tt.cors)
			}
		})
	}
}

type opmlDoc struct {
	Created string `xml:"head>dateCreated"`
	Groups  []struct {
		Text     string `xml:"text,attr"`
		Outlines []struct {
			XMLURL  string `xml:"xmlUrl,attr"`
			HTMLURL string `xml:"htmlUrl,attr"`
		} `xml:"outline"`
	} `xml:"body>outline"`
}

func TestOPML(t *testing.T) {
	_, srv, _ := selectionUnderTest(t, selectionOptions())
	const base = "https://baken.example.nl"
	read := func(query string) (opmlDoc, map[string]string) {
		t.Helper()
		resp, body := get(t, srv.URL+"/feeds.opml"+query)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", query, resp.StatusCode, body)
		}
		var d opmlDoc
		if err := xml.Unmarshal(body, &d); err != nil {
			t.Fatal(err)
		}
		pages := map[string]string{}
		for _, g := range d.Groups {
			for _, o := range g.Outlines {
				pages[o.XMLURL] = o.HTMLURL
			}
		}
		return d, pages
	}
	d, pages := read("")
	if _, err := time.Parse(time.RFC1123Z, d.Created); err != nil {
		t.Errorf("dateCreated %q is not RFC 822 with a numeric zone: %v", d.Created, err)
	}
	for feed, page := range map[string]string{
		"/feeds/all.atom":                                        "/",
		"/feeds/themes/ondermijning.atom":                        "/themes/ondermijning",
		"/feeds/districts/oost-utrecht.atom":                     "/districts/oost-utrecht",
		"/feeds/themes/ondermijning/districts/oost-utrecht.atom": "/themes/ondermijning/districts/oost-utrecht",
	} {
		if got, ok := pages[base+feed]; !ok || got != base+page {
			t.Errorf("%s: htmlUrl %q, want %q", feed, got, base+page)
		}
	}

	tests := []struct {
		query string
		feeds []string
	}{
		{"?themes=terrorisme,ondermijning", []string{"/feeds/themes/ondermijning.atom", "/feeds/themes/terrorisme.atom"}},
		{"?districts=utrecht-stad", []string{"/feeds/districts/utrecht-stad.atom", "/feeds/themes/ondermijning/districts/utrecht-stad.atom",
			"/feeds/themes/openbare-orde/districts/utrecht-stad.atom"}},
		{"?themes=ondermijning,jonge-aanwas&districts=oost-utrecht", []string{"/feeds/themes/ondermijning/districts/oost-utrecht.atom",
			"/feeds/themes/jonge-aanwas/districts/oost-utrecht.atom", "/feeds/custom.atom?districts=oost-utrecht&themes=jonge-aanwas,ondermijning"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			_, pages := read(tt.query)
			var got []string
			for f := range pages {
				got = append(got, f[len(base):])
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.feeds))
			if !slices.Equal(got, want) {
				t.Errorf("feeds %q, want %q", got, want)
			}
		})
	}
	for _, bad := range []string{"?themes=ufo", "?q=x"} {
		if resp, _ := get(t, srv.URL+"/feeds.opml"+bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, resp.StatusCode)
		}
	}
}
