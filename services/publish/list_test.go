package publish

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/item"
)

func listTitles(t *testing.T, body []byte) ([]string, itemList) {
	t.Helper()
	var l itemList
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	var titles []string
	for _, it := range l.Items {
		titles = append(titles, it.Title)
	}
	return titles, l
}

func TestItemList(t *testing.T) {
	_, srv, put := selectionUnderTest(t, selectionOptions())
	tests := []struct {
		query  string
		titles []string
	}{
		{"feed=themes/ondermijning", []string{"Witwassen via vastgoed in Utrecht", "Jongeren geronseld als drugskoerier", "Cocaïnelab opgerold in Houten"}},
		{"feed=districts/oost-utrecht&since=2026-11-30T01:30:00Z&until=2026-11-30T05:00:00Z", []string{"Jongeren geronseld als drugskoerier"}},
		{"themes=jonge-aanwas&q=cocaine", []string{"Aanpak jonge aanwas in Zeist", "Jongeren geronseld als drugskoerier"}},
		{"from=2026-11-30&to=2026-11-30&source=nctv", []string{"Nieuwsbrief zonder thema", "Dreigingsniveau blijft 4"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp, body := get(t, srv.URL+"/api/items?"+tt.query)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if got, _ := listTitles(t, body); !slices.Equal(got, tt.titles) {
				t.Errorf("titles %q, want %q", got, tt.titles)
			}
			if l := resp.Header.Get("Link"); !strings.Contains(l, `/websub>; rel="hub"`) || !strings.Contains(l, `/api/items?`) {
				t.Errorf("Link %q", l)
			}
		})
	}

	// Walking with the cursor, two at a time, while new items arrive:
	// every item once, in order.
	var got []string
	next := srv.URL + "/api/items?limit=2"
	for i := 0; next != ""; i++ {
		resp, body := get(t, next)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", next, resp.StatusCode, body)
		}
		titles, l := listTitles(t, body)
		got = append(got, titles...)
		if l.Next != "" && !strings.Contains(resp.Header.Get("Link"), `rel="next"`) {
			t.Errorf("page %d: no Link rel=next", i)
		}
		next = strings.Replace(l.Next, "https://baken.example.nl", srv.URL, 1)
		if i == 0 {
			put(item.Item{ID: "d0000000000000000000000000000001", Source: "nctv", Title: "Nieuwer", Published: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
		}
		if i > 10 {
			t.Fatal("endless list")
		}
	}
	want := []string{"Nieuwsbrief zonder thema", "Vuurwerk in beslag genomen", "Aanpak jonge aanwas in Zeist", "Witwassen via vastgoed in Utrecht",
		"Dreigingsniveau blijft 4", "Jongeren geronseld als drugskoerier", "Cocaïnelab opgerold in Houten"}
	if !slices.Equal(got, want) {
		t.Errorf("walked %q, want %q", got, want)
	}

	for _, bad := range []string{"feed=themes/ufo", "feed=all&themes=terrorisme", "limit=0", "limit=501", "cursor=x", "since=gisteren", "sort=old"} {
		if resp, body := get(t, srv.URL+"/api/items?"+bad); resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"error"`) {
			t.Errorf("%s: %d %s, want 400 with an error", bad, resp.StatusCode, body)
		}
	}
	// Every id form the feeds show finds the item.
	for _, id := range []string{"a0000000000000000000000000000003", "urn:uuid:a0000000-0000-0000-0000-000000000003"} {
		if resp, body := get(t, srv.URL+"/api/items/"+id); resp.StatusCode != 200 || !strings.Contains(string(body), "Dreigingsniveau") {
			t.Errorf("/api/items/%s: %d", id, resp.StatusCode)
		}
	}
}
