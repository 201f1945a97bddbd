package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
)

// placedItems are n items of two themes and districts, in an order that
// is not their dates' order, each with a text of its own.
func placedItems(n int) []item.Item {
	base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	var out []item.Item
	for i := range n {
		j := (i * 7) % n // dates out of order
		theme, district := "ondermijning", "utrecht-stad"
		if j%3 == 0 {
			theme, district = "terrorisme", "midden-nederland"
		}
		var also []item.Location
		if j%4 == 0 {
			also = []item.Location{{Source: "nu.nl", URL: fmt.Sprintf("https://www.nu.nl/%d", j)}}
		}
		out = append(out, item.Item{AlsoAt: also,
			ID: fmt.Sprintf("p%03d", j), Source: "politie", URL: fmt.Sprintf("https://www.politie.nl/nieuws/%d", j),
			Title: fmt.Sprintf("Bericht %d", j), Summary: fmt.Sprintf("Samenvatting %d", j),
			Content:   fmt.Sprintf("<p>De tekst van bericht %d, met alle details.</p>", j),
			Published: base.Add(time.Duration(j) * time.Hour), Categories: []string{"nieuws"},
			Themes: []item.Theme{{ID: theme, Score: 2, Matched: []string{"drugslab"}}}, Districts: []string{district},
		})
	}
	return out
}

// TestViewPutPlaced: an item put by its placement is read whole only when
// the view holds it then, and the feeds are those of whole items put.
func TestViewPutPlaced(t *testing.T) {
	items := placedItems(30)
	whole, placed := NewView(4, nil), NewView(4, nil)
	var read []string
	for _, it := range items {
		whole.Put(it)
		if err := placed.PutPlaced(it.Placement(), func() (item.Item, error) {
			read = append(read, it.ID)
			return it, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if len(read) == 0 || len(read) >= len(items) {
		t.Errorf("read %d of %d items whole, want those held when put only", len(read), len(items))
	}
	for _, key := range []string{allKey, themeKey("terrorisme"), themeDistrictKey("ondermijning", "utrecht-stad")} {
		want, got := whole.Feed(key, 4).Items, placed.Feed(key, 4).Items
		if len(got) == 0 || fmt.Sprint(ids(got)) != fmt.Sprint(ids(want)) {
			t.Fatalf("%s: %v, want %v", key, ids(got), ids(want))
		}
		for _, it := range got {
			if it.Content == "" || it.Summary == "" || len(it.Themes[0].Matched) == 0 {
				t.Errorf("%s: %s shown without its text: %+v", key, it.ID, it)
			}
		}
	}
	if whole.Held() != placed.Held() {
		t.Errorf("held %d, want %d", placed.Held(), whole.Held())
	}
	// A new version with another copy: also_at grows the same way.
	v2 := whole.Feed(allKey, 4).Items[1] // p028: a copy at nu.nl
	had := len(v2.AlsoAt)
	v2.Updated, v2.AlsoAt = v2.Published.Add(time.Hour), []item.Location{{Source: "ad.nl", URL: "https://www.ad.nl/1"}}
	whole.Put(v2)
	if err := placed.PutPlaced(v2.Placement(), func() (item.Item, error) { return v2, nil }); err != nil {
		t.Fatal(err)
	}
	w, p := whole.Feed(allKey, 4).Items[1], placed.Feed(allKey, 4).Items[1]
	if had != 1 || len(w.AlsoAt) != 2 || fmt.Sprint(p.AlsoAt) != fmt.Sprint(w.AlsoAt) {
		t.Errorf("also_at after a new version: %v, want %v (both copies)", p.AlsoAt, w.AlsoAt)
	}

	// A whole item that cannot be read leaves it shown as placed, and says so.
	newest := items[0]
	newest.ID, newest.Published = "p999", newest.Published.Add(1000*time.Hour)
	err := placed.PutPlaced(newest.Placement(), func() (item.Item, error) { return item.Item{}, errors.New("damaged") })
	if err == nil || placed.Feed(allKey, 4).Items[0].ID != "p999" {
		t.Errorf("error %v, newest %s; want the error and the item shown", err, placed.Feed(allKey, 4).Items[0].ID)
	}
}

// TestReplayPlacedItems: a publisher rebuilding its view from items
// published with their placement serves the feeds one reading whole items
// serves, texts included.
func TestReplayPlacedItems(t *testing.T) {
	items := placedItems(24)
	bodies := map[string]string{}
	for _, mode := range []string{"placed", "whole"} {
		_, js := natstest.Connect(t, natstest.Run(t, ""))
		for _, it := range items {
			publish := stage.PublishPlaced
			if mode == "whole" {
				publish = stage.Publish
			}
			if err := publish(context.Background(), js, bus.CuratedItemSubject(it.ID), it); err != nil {
				t.Fatal(err)
			}
		}
		p, srv := runPublisher(t, js, testOptions)
		waitFor(t, "the view rebuilt", p.Ready)
		for _, path := range []string{"/feeds/all.json", "/feeds/themes/terrorisme.atom", "/feeds/districts/utrecht-stad.rss"} {
			_, body := get(t, srv.URL+path)
			bodies[mode+path] = string(body)
			if !strings.Contains(string(body), "met alle details") {
				t.Errorf("%s %s: no item text in %s", mode, path, body)
			}
		}
	}
	for key, body := range bodies {
		path := strings.TrimPrefix(key, "placed")
		if path != key && body != bodies["whole"+path] {
			t.Errorf("%s: read by placement\n%s\nread whole\n%s", path, body, bodies["whole"+path])
		}
	}
	if len(bodies) != 6 {
		t.Fatalf("%d feeds fetched, want 6", len(bodies))
	}
}
