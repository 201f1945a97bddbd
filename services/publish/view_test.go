package publish

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/curation"
	"github.com/bakenhub/baken/pkg/item"
)

func TestViewKeepsEveryCopy(t *testing.T) {
	v := NewView(0, nil)
	it := item.Item{ID: "a", Title: "DTN", Published: time.Now()}
	withCopy := it
	withCopy.AlsoAt = []item.Location{{Source: "veiligheidscoalitie", URL: "https://www.veiligheidscoalitie.nl/nieuws/dtn"}}
	// The merged version first, the plain one after: the copy stays listed.
	v.Put(withCopy)
	v.Put(it)
	got, _, _ := v.Item("a")
	if len(got.AlsoAt) != 1 {
		t.Errorf("also_at = %v after an older version arrived late, want the copy kept", got.AlsoAt)
	}
}

func TestViewMovesItemsBetweenFeeds(t *testing.T) {
	v := NewView(0, nil)
	it := item.Item{ID: "a", Title: "x", Published: time.Now(), Themes: []item.Theme{{ID: "ondermijning"}}, Districts: []string{"utrecht-stad"}}
	v.Put(it)
	for _, k := range []string{"all", "themes/ondermijning", "districts/utrecht-stad", "themes/ondermijning/districts/utrecht-stad"} {
		if v.Feed(k, 10).Total != 1 {
			t.Errorf("feed %s lacks the item", k)
		}
	}
	it.Themes = []item.Theme{{ID: "terrorisme"}}
	v.Put(it)
	if v.Feed("themes/ondermijning", 10).Total != 0 || v.Feed("themes/terrorisme", 10).Total != 1 || v.Feed("all", 10).Total != 1 {
		t.Error("a reclassified item did not move from ondermijning to terrorisme exactly once")
	}
	v.SetOverride("a", curation.State{}.Add(curation.Override{ItemID: "a", Action: curation.Hide, Who: "x", Why: "y"}), 1)
	if v.Feed("all", 10).Total != 0 || v.Feed("themes/terrorisme", 10).Total != 0 {
		t.Error("a hidden item is still in a feed")
	}
	v.SetOverride("a", curation.State{}, 2)
	if v.Feed("all", 10).Total != 1 {
		t.Error("an unhidden item did not come back")
	}
	// The watch brings the hide back after the API applied the unhide.
	v.SetOverride("a", curation.State{}.Add(curation.Override{ItemID: "a", Action: curation.Hide, Who: "x", Why: "y"}), 1)
	if v.Feed("all", 10).Total != 1 {
		t.Error("an older state arriving late undid a newer one")
	}
}

func TestViewAPIUnhideOutweighsRules(t *testing.T) {
	v := NewView(0, nil)
	v.Put(item.Item{ID: "a", Title: "x", Published: time.Now()})
	hide := curation.Override{ItemID: "a", Action: curation.Hide, Who: "redactie", Why: "rules file"}
	v.SetRules(curation.Rules{"a": curation.State{}.Add(hide)})
	if _, shown, _ := v.Item("a"); shown {
		t.Fatal("the rules file's hide is not applied")
	}
	unhide := curation.Override{ItemID: "a", Action: curation.Unhide, Who: "redactie", Why: "toch tonen"}
	v.SetOverride("a", curation.State{}.Add(unhide), 3)
	if _, shown, _ := v.Item("a"); !shown {
		t.Error("an API unhide did not outweigh the rules file's hide")
	}
	v.SetOverride("a", curation.State{}.Add(curation.Override{Action: curation.Reset}), 4)
	if _, shown, _ := v.Item("a"); shown {
		t.Error("after a reset the rules file's hide should apply again")
	}
}

func TestViewIgnoresOlderVersions(t *testing.T) {
	v := NewView(0, nil)
	pub := time.Date(2023, 12, 12, 9, 0, 0, 0, time.UTC)
	newer := item.Item{ID: "a", Title: "Dreigingsniveau naar 4", Published: pub, Updated: pub.Add(time.Hour)}
	older := item.Item{ID: "a", Title: "Dreigingsniveau", Published: pub,
		AlsoAt: []item.Location{{Source: "veiligheidscoalitie", URL: "https://www.veiligheidscoalitie.nl/nieuws/dtn"}}}
	v.Put(newer)
	v.Put(older)
	got, _, _ := v.Item("a")
	if got.Title != newer.Title || len(got.AlsoAt) != 1 {
		t.Errorf("after a late older version: %q with also_at %v; want the newer text and the copy", got.Title, got.AlsoAt)
	}
}

// TestViewWindow: the view keeps a window per feed, reads what it no
// longer holds through its loader, and says when a window ran short.
func TestViewWindow(t *testing.T) {
	base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	mk := func(i int, theme string) item.Item {
		return item.Item{ID: fmt.Sprintf("i%03d", i), Title: fmt.Sprint("bericht ", i), Published: base.Add(time.Duration(i) * time.Hour), Themes: []item.Theme{{ID: theme}}}
	}
	tests := []struct {
		name      string
		window    int
		items     int
		hide      []int // hidden after the import, newest first
		wantAll   []string
		wantHeld  int
		wantShort bool
	}{
		{name: "unbounded", window: 0, items: 6, wantAll: []string{"i005", "i004", "i003", "i002", "i001", "i000"}, wantHeld: 6},
		{name: "window keeps the newest", window: 4, items: 10, wantAll: []string{"i009", "i008", "i007", "i006"}, wantHeld: 4},
		{name: "one hidden: still enough", window: 4, items: 10, hide: []int{8}, wantAll: []string{"i009", "i007", "i006"}, wantHeld: 4},
		{name: "too many hidden: short", window: 4, items: 10, hide: []int{9, 8, 7}, wantAll: []string{"i006"}, wantHeld: 4, wantShort: true},
		{name: "hidden before eviction is not short", window: 4, items: 3, hide: []int{2, 1}, wantAll: []string{"i000"}, wantHeld: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored := map[string]item.Item{}
			v := NewView(tt.window, func(id string) (item.Item, bool, error) {
				it, ok := stored[id]
				return it, ok, nil
			})
			for i := range tt.items {
				it := mk(i, "ondermijning")
				stored[it.ID] = it
				v.Put(it)
			}
			for _, i := range tt.hide {
				v.SetOverride(mk(i, "").ID, curation.State{}.Add(curation.Override{Action: curation.Hide, Who: "x", Why: "y"}), 0)
			}
			got := ids(v.Feed("all", 100).Items)
			if fmt.Sprint(got) != fmt.Sprint(tt.wantAll) {
				t.Errorf("all = %v, want %v", got, tt.wantAll)
			}
			if v.Held() != tt.wantHeld {
				t.Errorf("held %d items, want %d", v.Held(), tt.wantHeld)
			}
			if v.Short() != tt.wantShort {
				t.Errorf("short = %v, want %v", !tt.wantShort, tt.wantShort)
			}
			// Every item is found, held or not, and hidden ones say so.
			for i := range tt.items {
				id := mk(i, "").ID
				_, shown, ok := v.Item(id)
				if !ok || shown == slices.Contains(tt.hide, i) {
					t.Errorf("Item(%s) = shown %v, ok %v", id, shown, ok)
				}
			}
		})
	}
}

// TestViewShowsAStoryOnce: a story's other reports are listed under its
// first report in the feeds that show it, and shown themselves only in
// feeds the first report is not in.
func TestViewShowsAStoryOnce(t *testing.T) {
	for _, window := range []int{0, 4} {
		t.Run(fmt.Sprint("window ", window), func(t *testing.T) { storyOnce(t, window) })
	}
}

func storyOnce(t *testing.T, window int) {
	now := time.Now()
	first := item.Item{ID: "a", Source: "nrc", URL: "https://www.nrc.nl/a", Title: "Hackers eisen 750.000 euro", Published: now,
		Themes: []item.Theme{{ID: "digitale-veiligheid"}}}
	second := item.Item{ID: "b", Source: "nu.nl", URL: "https://www.nu.nl/b", Title: "Criminelen willen 750.000 euro", Published: now.Add(time.Hour),
		Themes: []item.Theme{{ID: "digitale-veiligheid"}, {ID: "ondermijning"}}, Story: "a"}
	other := item.Item{ID: "c", Source: "nos", URL: "https://nos.nl/c", Title: "Iets anders", Published: now, Story: "zzz"}
	v := NewView(window, nil)
	v.Put(first)
	v.Put(second)
	v.Put(other)
	tests := []struct {
		feed string
		want []string
	}{
		{"all", []string{"a", "c"}},
		{"themes/digitale-veiligheid", []string{"a"}},
		{"themes/ondermijning", []string{"b"}}, // the first report is not in it
	}
	for _, tt := range tests {
		got := ids(v.Feed(tt.feed, 10).Items)
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("feed %s: %v, want %v", tt.feed, got, tt.want)
		}
	}
	got, _, _ := v.Item("a")
	want := []item.Location{{Source: "nu.nl", URL: "https://www.nu.nl/b", Title: "Criminelen willen 750.000 euro"}}
	if !slices.Equal(got.ReportedBy, want) {
		t.Errorf("reported by %v, want %v", got.ReportedBy, want)
	}
	if c := contentHTML(&got); !strings.Contains(c, `Ook gemeld door: nu.nl, <a href="https://www.nu.nl/b" rel="noreferrer">Criminelen willen 750.000 euro</a>`) {
		t.Errorf("content %q does not list the other report", c)
	}
	// The first report reclassified: its story's report follows.
	first.Themes = []item.Theme{{ID: "ondermijning"}}
	v.Put(first)
	if n := v.Feed("themes/ondermijning", 10).Total; n != 1 {
		t.Errorf("ondermijning shows %d items, want the story once", n)
	}
	if n := v.Feed("themes/digitale-veiligheid", 10).Total; n != 1 {
		t.Errorf("digitale-veiligheid shows %d items, want the other report", n)
	}
}

// TestViewUpdateOfLastInWindow: a new version of the oldest item of a full
// window stays in it; nothing the window let go comes before it.
func TestViewUpdateOfLastInWindow(t *testing.T) {
	base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	v := NewView(4, nil)
	for i := range 6 {
		v.Put(item.Item{ID: fmt.Sprintf("i%d", i), Title: fmt.Sprint("bericht ", i), Published: base.Add(time.Duration(i) * time.Hour)})
	}
	v.Put(item.Item{ID: "i2", Title: "bericht 2, aangevuld", Published: base.Add(2 * time.Hour)})
	got := v.Feed("all", 4).Items
	if len(got) != 4 || got[3].ID != "i2" || got[3].Title != "bericht 2, aangevuld" {
		t.Errorf("all = %v, want i5 i4 i3 and the new version of i2", ids(got))
	}
}

// TestViewRedatedOlderThanTheWindow: a new version dated before the items
// a full window let go leaves the window rather than stand before them.
func TestViewRedatedOlderThanTheWindow(t *testing.T) {
	base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	v := NewView(4, nil)
	for i := range 6 {
		v.Put(item.Item{ID: fmt.Sprintf("i%d", i), Title: fmt.Sprint("bericht ", i), Published: base.Add(time.Duration(i) * time.Hour)})
	}
	v.Put(item.Item{ID: "i5", Title: "bericht 5, rechtgezet", Published: base.Add(-time.Hour), Updated: base.Add(10 * time.Hour)})
	if got := ids(v.Feed("all", 4).Items); fmt.Sprint(got) != "[i4 i3 i2]" {
		t.Errorf("all = %v, want [i4 i3 i2]: i1 and i0, let go, are newer than the new i5", got)
	}
}

// ids are the ids of items, in order.
func ids(items []item.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}
