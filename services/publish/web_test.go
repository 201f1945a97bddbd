package publish

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/stage"
)

// webUnderTest runs a publisher with a search index, fed the test items
// through the curated stream, and waits until search finds them all.
func webUnderTest(t *testing.T) (*Publisher, *httptest.Server) {
	t.Helper()
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	opts := testOptions
	opts.SearchDir = filepath.Join(t.TempDir(), "search")
	opts.Sources = []Label{{ID: "nctv", Name: "NCTV", URL: "https://www.nctv.nl/"}, {ID: "rijksoverheid-jenv", Name: "Rijksoverheid: Justitie en Veiligheid"}}
	p, srv := runPublisher(t, js, opts)
	for _, it := range testItems() {
		if err := stage.Publish(context.Background(), js, bus.CuratedItemSubject(it.ID), it); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the index", func() bool { n, _ := p.search.Count(); return n == 3 && p.view.Held() == 3 })
	return p, srv
}

// page fetches path and fails unless it answers want.
func fetchPage(t *testing.T, srv *httptest.Server, path string, want int) string {
	t.Helper()
	resp, body := get(t, srv.URL+path)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d:\n%s", path, resp.StatusCode, want, body)
	}
	if ct := resp.Header.Get("Content-Type"); want == 200 && !strings.HasPrefix(ct, "text/html") && !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: content type %q", path, ct)
	}
	return string(body)
}

func TestItemPageGolden(t *testing.T) {
	_, srv := webUnderTest(t)
	body := fetchPage(t, srv, "/items/171eef5fc5be1c1a8a6b2d3e4f5a6b7c", 200)
	golden := filepath.Join("testdata", "item.html.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if body != string(want) {
		t.Errorf("item page differs from %s (run with -update after an intended change):\n%s", golden, body)
	}
	for _, s := range []string{
		`ondermijning*`, // the matched term: why it is in the theme
		`11 december 2023 10:00 CET`, "Europe/Amsterdam",
		`href="https://www.rijksoverheid.nl/actueel/nieuws/2019/07/11/factsheet-stand-van-zaken-ondermijningswetgeving"`,
		`https://www.veiligheidscoalitie.nl/nieuws/factsheet`, // a copy
		`<b>factsheet</b>`, `href="/districts/midden-nederland"`,
	} {
		if !strings.Contains(body, s) {
			t.Errorf("item page lacks %q", s)
		}
	}
	fetchPage(t, srv, "/items/urn:uuid:171eef5f-c5be-1c1a-8a6b-2d3e4f5a6b7c", 200)
	fetchPage(t, srv, "/items/00000000000000000000000000000000", 404)
}

func TestFeedPages(t *testing.T) {
	_, srv := webUnderTest(t)
	tests := []struct {
		path string
		code int
		want []string
	}{
		{"/themes/terrorisme", 200, []string{"<h1>Terrorisme</h1>", `href="/items/83b6bb201e38be0884bf5378005bfc1b"`,
			`value="https://baken.example.nl/feeds/themes/terrorisme.atom"`, `href="/themes/terrorisme/districts/utrecht-stad"`}},
		{"/districts/utrecht-stad", 200, []string{"Werf jij al Burgernetdeelnemers?", `href="/themes/ondermijning/districts/utrecht-stad"`,
			`href="/themes/openbare-orde/districts/utrecht-stad"`}},
		// A configured combination without items has its page too.
		{"/themes/ondermijning/districts/utrecht-stad", 200, []string{"Ondermijning in Utrecht-Stad", "Nog geen berichten.",
			`value="https://baken.example.nl/feeds/themes/ondermijning/districts/utrecht-stad.rss"`}},
		{"/themes/ufo", 404, nil},
		{"/districts/atlantis", 404, nil},
		{"/", 200, []string{`href="/themes/ondermijning"`, `href="/districts/utrecht-stad"`, `href="/districts/midden-nederland"`,
			`href="/items/5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e"`, `<a class="skip" href="#inhoud">`}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			body := fetchPage(t, srv, tt.path, tt.code)
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("lacks %q", s)
				}
			}
		})
	}
}

func TestBuilder(t *testing.T) {
	_, srv := webUnderTest(t)
	body := fetchPage(t, srv, "/builder?theme=terrorisme&theme=ondermijning&theme=ufo&district=utrecht-stad&q=drugs++lab&build=1", 200)
	for _, s := range []string{
		`value="https://baken.example.nl/feeds/custom.atom?themes=ondermijning,terrorisme&amp;districts=utrecht-stad&amp;q=drugs&#43;lab"`,
		`href="https://baken.example.nl/feeds.opml?themes=ondermijning,terrorisme&amp;districts=utrecht-stad"`,
		`href="https://baken.example.nl/digest/custom.html?themes=ondermijning,terrorisme&amp;districts=utrecht-stad&amp;q=drugs&#43;lab&amp;since=7d"`,
		`value="terrorisme" checked`,
	} {
		if !strings.Contains(body, s) {
			t.Errorf("builder lacks %s", s)
		}
	}
	if strings.Contains(body, "ufo") {
		t.Error("an unknown theme made it into the URLs")
	}
	if body := fetchPage(t, srv, "/builder", 200); strings.Contains(body, "Jouw feed") {
		t.Error("the empty form shows a result")
	}
}

func TestSearch(t *testing.T) {
	_, srv := webUnderTest(t)
	tests := []struct {
		query string
		want  []string // ids, in order
	}{
		{"q=factsheet", []string{"171eef5fc5be1c1a8a6b2d3e4f5a6b7c"}},
		{"q=Dreigingsbeelden", []string{"83b6bb201e38be0884bf5378005bfc1b"}}, // Dutch stem: dreigingsbeeld
		{"q=utrecht", []string{"5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e"}},          // a place
		{"q=NCTV", []string{"83b6bb201e38be0884bf5378005bfc1b"}},             // a source's name
		{"q=het&theme=ondermijning", []string{"171eef5fc5be1c1a8a6b2d3e4f5a6b7c"}},
		{"district=utrecht-stad", []string{"5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e"}},
		{"source=nctv", []string{"83b6bb201e38be0884bf5378005bfc1b"}},
		{"q=factsheet&period=7d", nil}, // from 2023
		{"q=ransomware", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var res searchResult
			authJSON(t, srv.URL+"/api/search?"+tt.query, &res)
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") || int(res.Total) != len(tt.want) {
				t.Errorf("found %v (total %d), want %v", got, res.Total, tt.want)
			}
		})
	}
	body := fetchPage(t, srv, "/search?q=factsheet", 200)
	if !strings.Contains(body, `href="/items/171eef5fc5be1c1a8a6b2d3e4f5a6b7c"`) || !strings.Contains(body, "1 resultaat") {
		t.Errorf("search page lacks the hit:\n%s", body)
	}
}

func TestSearchHidesHidden(t *testing.T) {
	_, srv := webUnderTest(t)
	if code, body := postOverride(t, srv.URL, `{"item_id":"83b6bb201e38be0884bf5378005bfc1b","action":"hide","who":"redactie@test","why":"test"}`); code != http.StatusOK {
		t.Fatalf("hide: %d %s", code, body)
	}
	waitFor(t, "the hide", func() bool {
		var res searchResult
		authJSON(t, srv.URL+"/api/search?q=NCTV", &res)
		return len(res.Hits) == 0
	})
}

func authJSON(t *testing.T, url string, v any) {
	t.Helper()
	if err := json.Unmarshal(authGet(t, url), v); err != nil {
		t.Fatal(err)
	}
}

func TestRecentOf(t *testing.T) {
	p, _ := webUnderTest(t)
	got := p.RecentOf(context.Background(), "nctv", 5)
	if len(got) != 1 || got[0].ID != "83b6bb201e38be0884bf5378005bfc1b" {
		t.Errorf("RecentOf(nctv) = %+v", got)
	}
	if got := p.RecentOf(context.Background(), "onbekend", 5); len(got) != 0 {
		t.Errorf("RecentOf(onbekend) = %+v", got)
	}
}
