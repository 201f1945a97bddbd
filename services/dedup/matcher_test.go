package dedup

import (
	"strings"
	"testing"

	"github.com/bakenhub/baken/pkg/item"
)

func TestMatcher(t *testing.T) {
	nctv := dtnNCTV(t)
	nctv.Content += "<p>" + dtnMore + "</p>"
	coalition := dtnCoalition(t) // the same first paragraph: a cut summary
	quoted := with(coalition, func(it *item.Item) {
		it.Source, it.GUID = "nieuwsbrief-rvs", ""
		it.URL = "https://nieuwsbrief.veiligheidscoalitie.nl/december-2023/dtn"
		it.ID = item.NewID(it.URL, it.Source, "")
		it.Content = strings.NewReplacer("‘", "'", "’", "'").Replace(it.Content)
	})
	renamed := moved(t, nctv, nctv.URL+"-gewijzigd") // same GUID, new slug
	steps := []struct {
		name string
		in   item.Item
		dup  string // id of the canonical item; "" for a new story
		sim  float64
	}{
		{"the story", nctv, "", 0},
		{"a cut summary", coalition, nctv.ID, 1},
		{"its exact copy, other quotes", quoted, nctv.ID, 1},
		{"the summary again", coalition, nctv.ID, 1},
		{"same guid, new url", renamed, nctv.ID, 1},
		{"crime figures of November", cijfers(t, 3, 45, 20), "", 0},
		{"crime figures of December", cijfers(t, 2, 50, 21), "", 0},
		{"another story", buit(t), "", 0},
		{"a repost with an intro", with(buit(t), func(it *item.Item) {
			it.Source, it.URL = "veiligheidsalliantie", "https://www.veiligheidsalliantie.nl/nieuws/buit"
			it.ID, it.GUID = item.NewID(it.URL, it.Source, ""), ""
			it.Content = "<p>Via Noord-Holland Samen Veilig bereikte ons deze nuttige e-learning.</p>" + it.Content
		}), buit(t).ID, -1},
	}
	m := NewMatcher()
	for _, st := range steps {
		r, err := m.Add(st.in)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if r.ID != st.in.ID || r.DuplicateOf != st.dup {
			t.Errorf("%s: %+v, want a copy of %q", st.name, r, st.dup)
		}
		switch {
		case st.sim >= 0 && r.Similarity != st.sim:
			t.Errorf("%s: similarity %.2f, want %.2f", st.name, r.Similarity, st.sim)
		case st.sim < 0 && (r.Similarity < minSimilarity || r.Similarity >= 1):
			t.Errorf("%s: similarity %.2f, want a near-duplicate's", st.name, r.Similarity)
		}
	}
}

func TestWithID(t *testing.T) {
	it, err := WithID(item.Item{Source: "nctv", URL: "http://www.nctv.nl/actueel/nieuws/dtn/?utm_source=x#top"})
	if err != nil {
		t.Fatal(err)
	}
	if it.URL != "http://www.nctv.nl/actueel/nieuws/dtn/?utm_source=x#top" || it.ID != item.NewID("https://www.nctv.nl/actueel/nieuws/dtn/", "nctv", "") {
		t.Errorf("WithID = %s %s: want the URL kept and the id of its canonical form", it.URL, it.ID)
	}
	if kept, _ := WithID(item.Item{ID: "abc", URL: "https://x.nl"}); kept.ID != "abc" || kept.URL != "https://x.nl" {
		t.Errorf("an item with an id changed: %+v", kept)
	}
	if got, err := WithID(item.Item{Source: "nctv", Title: "zonder adres", Summary: "Tekst."}); err != nil || got.ID != item.EntryID("nctv", "", "zonder adres", "Tekst.") {
		t.Errorf("no url and no guid: %+v, %v; want an id from the text", got, err)
	}
	if _, err := WithID(item.Item{Source: "nctv", URL: "javascript:void(0)"}); err == nil {
		t.Error("a javascript: url: no error")
	}
}
