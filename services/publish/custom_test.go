package publish

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
)

// selectionItems are items across themes, districts and sources, one per
// hour, with words to search for.
func selectionItems() []item.Item {
	hour := func(h int) time.Time { return time.Date(2026, 11, 30, h, 0, 0, 0, time.UTC) }
	th := func(ids ...string) []item.Theme {
		var out []item.Theme
		for _, id := range ids {
			out = append(out, item.Theme{ID: id, Score: 5})
		}
		return out
	}
	return []item.Item{
		{ID: "a0000000000000000000000000000001", Source: "politie", URL: "https://www.politie.nl/nieuws/2026/november/30/lab.html", Title: "Cocaïnelab opgerold in Houten", Summary: "Agenten vonden een lab met cocaïne.", Published: hour(1), Themes: th("ondermijning"), Districts: []string{"oost-utrecht"}},
		{ID: "a0000000000000000000000000000002", Source: "riec", Title: "Jongeren geronseld als drugskoerier", Summary: "Ronselen via sociale media; geen cocaïne gevonden.", Published: hour(2), Themes: th("jonge-aanwas", "ondermijning"), Districts: []string{"oost-utrecht"}},
		{ID: "a0000000000000000000000000000003", Source: "nctv", URL: "https://www.nctv.nl/actueel/nieuws/2026/11/30/dtn", Title: "Dreigingsniveau blijft 4", Summary: "Het DTN verschijnt.", Published: hour(3), Themes: th("terrorisme")},
		{ID: "a0000000000000000000000000000004", Source: "politie", Title: "Witwassen via vastgoed in Utrecht", Summary: "Bibob-toets helpt.", Published: hour(4), Themes: th("ondermijning"), Districts: []string{"utrecht-stad"}},
		{ID: "a0000000000000000000000000000005", Source: "riec", URL: "https://www.riec.nl/nieuws/zeist?utm=x&a=1", Title: "Aanpak jonge aanwas in Zeist", Content: "<p>Een <b>cocaïne</b>-zaak in Zeist.</p>", Published: hour(5), Themes: th("jonge-aanwas"), Districts: []string{"oost-utrecht"}},
		{ID: "a0000000000000000000000000000006", Source: "politie", Title: "Vuurwerk in beslag genomen", Summary: "Jaarwisseling.", Published: hour(6), Themes: th("openbare-orde"), Districts: []string{"utrecht-stad"}},
		{ID: "a0000000000000000000000000000007", Source: "nctv", Title: "Nieuwsbrief zonder thema", Summary: "Algemeen.", Published: hour(7)},
	}
}

func selectionOptions() Options {
	o := testOptions
	o.Themes = append(slices.Clone(o.Themes), Label{ID: "jonge-aanwas", Name: "Jonge aanwas"})
	o.Districts = append(slices.Clone(o.Districts), Label{ID: "oost-utrecht", Name: "Oost-Utrecht"})
	o.Sources = []Label{{ID: "politie", Name: "Politie"}, {ID: "riec", Name: "RIEC"}, {ID: "nctv", Name: "NCTV"}}
	return o
}

// selectionUnderTest is a publisher with selectionItems on a real
// JetStream server, behind an HTTP server on loopback.
func selectionUnderTest(t *testing.T, o Options) (*Publisher, *httptest.Server, func(item.Item)) {
	t.Helper()
	_, js := natstest.Connect(t, natstest.Run(t, ""))
	p, srv := runPublisher(t, js, o)
	put := func(it item.Item) {
		if err := stage.Publish(context.Background(), js, bus.CuratedItemSubject(it.ID), it); err != nil {
			t.Fatal(err)
		}
	}
	items := selectionItems()
	for _, it := range items {
		put(it)
	}
	waitFor(t, "the items in the ledger", func() bool { return p.View().Ledger().Len() == len(items) })
	return p, srv, put
}

// atomLinks reads an Atom document's feed-level links by rel.
func atomLinks(t *testing.T, body []byte) (map[string]string, bool) {
	t.Helper()
	var doc struct {
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Archive *struct{} `xml:"http://purl.org/syndication/history/1.0 archive"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{}
	for _, l := range doc.Links {
		links[l.Rel] = l.Href
	}
	return links, doc.Archive != nil
}

func TestCustomFeeds(t *testing.T) {
	o := selectionOptions()
	o.FeedSize = 10
	_, srv, _ := selectionUnderTest(t, o)
	base := "https://baken.example.nl/feeds/custom.atom"
	tests := []struct {
		query  string
		titles []string
		self   string // the normalised query
	}{
		{"themes=ondermijning", []string{"Witwassen via vastgoed in Utrecht", "Jongeren geronseld als drugskoerier", "Cocaïnelab opgerold in Houten"}, "themes=ondermijning"},
		{"themes=ondermijning,jonge-aanwas&districts=oost-utrecht", []string{"Aanpak jonge aanwas in Zeist", "Jongeren geronseld als drugskoerier", "Cocaïnelab opgerold in Houten"}, "districts=oost-utrecht&themes=jonge-aanwas,ondermijning"},
		{"districts=oost-utrecht,utrecht-stad&themes=ondermijning&themes=ondermijning", []string{"Witwassen via vastgoed in Utrecht", "Jongeren geronseld als drugskoerier", "Cocaïnelab opgerold in Houten"}, "districts=oost-utrecht,utrecht-stad&themes=ondermijning"},
		{"q=cocaine", []string{"Aanpak jonge aanwas in Zeist", "Jongeren geronseld als drugskoerier", "Cocaïnelab opgerold in Houten"}, "q=cocaine"}, // folded: cocaïne, in summary or content
		{"q=COCAÏNE+-ronselen", []string{"Aanpak jonge aanwas in Zeist", "Cocaïnelab opgerold in Houten"}, "q=cocaine+-ronselen"},
		{"q=lab", []string{"Cocaïnelab opgerold in Houten"}, "q=lab"}, // the word "lab" in its summary
		{"q=cocain*", []string{"Aanpak jonge aanwas in Zeist", "Jongeren geronseld als drugskoerier", "Cocaïnelab opgerold in Houten"}, "q=cocain%2A"},
		{"q=cocaine&themes=jonge-aanwas&districts=oost-utrecht&source=riec", []string{"Aanpak jonge aanwas in Zeist", "Jongeren geronseld als drugskoerier"}, "districts=oost-utrecht&q=cocaine&source=riec&themes=jonge-aanwas"},
		{"source=nctv", []string{"Nieuwsbrief zonder thema", "Dreigingsniveau blijft 4"}, "source=nctv"},
		{"q=onvindbaar", nil, "q=onvindbaar"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp, body := get(t, srv.URL+"/feeds/custom.atom?"+tt.query)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if got := feedTitles(t, body); !slices.Equal(got, tt.titles) {
				t.Errorf("titles %q, want %q", got, tt.titles)
			}
			links, _ := atomLinks(t, body)
			want := base + "?" + tt.self
			if links["self"] != want || !strings.Contains(resp.Header.Get("Link"), "<"+want+`>; rel="self"`) {
				t.Errorf("self %q, Link %q; want %q", links["self"], resp.Header.Get("Link"), want)
			}
			again, _ := get(t, srv.URL+"/feeds/custom.atom?"+tt.query, "If-None-Match", resp.Header.Get("ETag"))
			if again.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match: %d, want 304", again.StatusCode)
			}
			gz, _ := get(t, srv.URL+"/feeds/custom.atom?"+tt.query, "Accept-Encoding", "gzip")
			if gz.Header.Get("Content-Encoding") != "gzip" {
				t.Error("not gzipped")
			}
		})
	}
	for _, f := range []string{"rss", "json"} {
		resp, body := get(t, srv.URL+"/feeds/custom."+f+"?themes=terrorisme")
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Dreigingsniveau blijft 4") {
			t.Errorf("custom.%s: %d\n%s", f, resp.StatusCode, body)
		}
	}
}

func TestCustomFeedBadQueries(t *testing.T) {
	p, srv, _ := selectionUnderTest(t, selectionOptions())
	long := "q=" + strings.Repeat("woord+", 200)
	many := "themes=" + strings.Repeat("ondermijning,", 40)
	tests := []struct{ query, says string }{
		{"themes=ufo", `unknown id "ufo"`},
		{"districts=atlantis", `unknown id "atlantis"`},
		{"source=nergens", `unknown id "nergens"`},
		{"theme=ondermijning", `unknown parameter "theme"`},
		{long, "longer than 1024 bytes"},
		{"q=a+b+c+d+e+f+g+h+i+j+k+l+m", "more than 12 words"},
		{"before=gisteren", "cursor"},
		{many, ""}, // 40 times the same id is one id
	}
	for _, tt := range tests {
		t.Run(tt.query[:min(len(tt.query), 30)], func(t *testing.T) {
			resp, body := get(t, srv.URL+"/feeds/custom.rss?"+tt.query)
			if tt.says == "" {
				if resp.StatusCode != 200 {
					t.Errorf("status %d: %s", resp.StatusCode, body)
				}
				return
			}
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), tt.says) {
				t.Errorf("status %d %q, want 400 saying %q", resp.StatusCode, body, tt.says)
			}
		})
	}
	if resp, _ := get(t, srv.URL+"/feeds/themes/terrorisme.rss?themes=ondermijning"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a fixed feed with a selection: %d, want 400", resp.StatusCode)
	}
	// Many distinct queries: the cache stays bounded.
	for i := range selectedDocs + 20 {
		get(t, fmt.Sprintf("%s/feeds/custom.json?q=woord%d", srv.URL, i))
	}
	if n := p.selected.len(); n > selectedDocs {
		t.Errorf("%d documents cached, want at most %d", n, selectedDocs)
	}
}

// A custom feed is a WebSub topic under its normalised URL only.
func TestCustomFeedTopics(t *testing.T) {
	p, _, put := selectionUnderTest(t, selectionOptions())
	norm := "https://baken.example.nl/feeds/custom.atom?districts=oost-utrecht&themes=jonge-aanwas,ondermijning"
	for topic, want := range map[string]bool{
		norm: true,
		"https://baken.example.nl/feeds/custom.atom?themes=ondermijning,jonge-aanwas&districts=oost-utrecht": false,
		"https://baken.example.nl/feeds/custom.atom?themes=ufo":                                              false,
		"https://baken.example.nl/feeds/custom.atom":                                                         true,
		"https://baken.example.nl/feeds/all.atom?before=1-a":                                                 false,
	} {
		if got := p.Known(topic); got != want {
			t.Errorf("Known(%s) = %v, want %v", topic, got, want)
		}
	}
	_, _, tag, err := p.Content(norm)
	if err != nil {
		t.Fatal(err)
	}
	put(item.Item{ID: "a0000000000000000000000000000008", Source: "riec", Title: "Nieuw in Oost-Utrecht", Published: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC),
		Themes: []item.Theme{{ID: "ondermijning"}}, Districts: []string{"oost-utrecht"}})
	waitFor(t, "the topic to change", func() bool {
		_, _, now, err := p.Content(norm)
		return err == nil && now != tag
	})
}
