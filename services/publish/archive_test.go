package publish

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/item"
)

// walk follows prev-archive from a feed's subscription document to its
// oldest archive page and returns every entry title, newest first, and the
// archive pages' URLs.
func walk(t *testing.T, srvURL, feed string) (titles, pages []string) {
	t.Helper()
	const base = "https://baken.example.nl"
	u := base + feed
	for u != "" {
		resp, body := get(t, srvURL+strings.TrimPrefix(u, base))
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", u, resp.StatusCode, body)
		}
		links, archive := atomLinks(t, body)
		if archive != (u != base+feed) {
			t.Errorf("%s: fh:archive %v", u, archive)
		}
		if archive && links["current"] != base+feed {
			t.Errorf("%s: current %q, want %q", u, links["current"], base+feed)
		}
		if links["next"] != links["prev-archive"] {
			t.Errorf("%s: next %q differs from prev-archive %q", u, links["next"], links["prev-archive"])
		}
		titles = append(titles, feedTitles(t, body)...)
		if archive {
			pages = append(pages, u)
		}
		u = links["prev-archive"]
		if len(pages) > 20 {
			t.Fatal("endless archive")
		}
	}
	return titles, pages
}

func TestArchives(t *testing.T) {
	o := selectionOptions()
	o.FeedSize = 2
	_, srv, put := selectionUnderTest(t, o)
	all := []string{"Nieuwsbrief zonder thema", "Vuurwerk in beslag genomen", "Aanpak jonge aanwas in Zeist", "Witwassen via vastgoed in Utrecht",
		"Dreigingsniveau blijft 4", "Jongeren geronseld als drugskoerier", "Cocaïnelab opgerold in Houten"}
	tests := []struct {
		feed string
		want []string
	}{
		{"/feeds/all.atom", all},
		{"/feeds/themes/ondermijning.atom", []string{"Witwassen via vastgoed in Utrecht", "Jongeren geronseld als drugskoerier", "Cocaïnelab opgerold in Houten"}},
		{"/feeds/themes/ondermijning/districts/oost-utrecht.atom", []string{"Jongeren geronseld als drugskoerier", "Cocaïnelab opgerold in Houten"}},
		{"/feeds/custom.atom?q=cocaine", []string{"Aanpak jonge aanwas in Zeist", "Jongeren geronseld als drugskoerier", "Cocaïnelab opgerold in Houten"}},
	}
	for _, tt := range tests {
		t.Run(tt.feed, func(t *testing.T) {
			got, _ := walk(t, srv.URL, tt.feed)
			if !slices.Equal(got, tt.want) {
				t.Errorf("walked %q, want %q", got, tt.want)
			}
		})
	}

	// Archive pages stay as they were when newer items come.
	_, pages := walk(t, srv.URL, "/feeds/all.atom")
	tags := map[string]string{}
	for _, u := range pages {
		resp, _ := get(t, srv.URL+strings.TrimPrefix(u, "https://baken.example.nl"))
		tags[u] = resp.Header.Get("ETag")
	}
	for i := range 3 {
		put(item.Item{ID: "b000000000000000000000000000000" + string(rune('1'+i)), Source: "nctv", Title: "Later bericht", Published: time.Date(2026, 12, 1, 10+i, 0, 0, 0, time.UTC)})
	}
	_, body := get(t, srv.URL+"/feeds/all.json")
	waitFor(t, "the newer items", func() bool {
		_, body = get(t, srv.URL+"/feeds/all.json")
		return strings.Count(string(body), "Later bericht") == 2
	})
	for u, tag := range tags {
		resp, _ := get(t, srv.URL+strings.TrimPrefix(u, "https://baken.example.nl"), "If-None-Match", tag)
		if resp.StatusCode != 304 {
			t.Errorf("%s changed when newer items came: %d", u, resp.StatusCode)
		}
	}
	got, _ := walk(t, srv.URL, "/feeds/all.atom")
	if want := append([]string{"Later bericht", "Later bericht", "Later bericht"}, all...); !slices.Equal(got, want) {
		t.Errorf("after newer items, walked %q", got)
	}
	var jf struct {
		NextURL string `json:"next_url"`
	}
	if err := json.Unmarshal(body, &jf); err != nil || !strings.Contains(jf.NextURL, "/feeds/all.json?before=") {
		t.Errorf("JSON Feed next_url %q (%v)", jf.NextURL, err)
	}
}
