package publish

import (
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/curation"
	"github.com/bakenhub/baken/pkg/item"
)

func TestViewKeepsEveryCopy(t *testing.T) {
	v := NewView()
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
	v := NewView()
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
	v.SetOverride("a", curation.State{}.Add(curation.Override{ItemID: "a", Action: curation.Hide, Who: "x", Why: "y"}))
	if v.Feed("all", 10).Total != 0 || v.Feed("themes/terrorisme", 10).Total != 0 {
		t.Error("a hidden item is still in a feed")
	}
	v.SetOverride("a", curation.State{})
	if v.Feed("all", 10).Total != 1 {
		t.Error("an unhidden item did not come back")
	}
}

func TestViewAPIUnhideOutweighsRules(t *testing.T) {
	v := NewView()
	v.Put(item.Item{ID: "a", Title: "x", Published: time.Now()})
	hide := curation.Override{ItemID: "a", Action: curation.Hide, Who: "redactie", Why: "rules file"}
	v.SetRules(curation.Rules{"a": curation.State{}.Add(hide)})
	if _, shown, _ := v.Item("a"); shown {
		t.Fatal("the rules file's hide is not applied")
	}
	unhide := curation.Override{ItemID: "a", Action: curation.Unhide, Who: "redactie", Why: "toch tonen"}
	v.SetOverride("a", curation.State{}.Add(unhide))
	if _, shown, _ := v.Item("a"); !shown {
		t.Error("an API unhide did not outweigh the rules file's hide")
	}
	v.SetOverride("a", curation.State{}.Add(curation.Override{Action: curation.Reset}))
	if _, shown, _ := v.Item("a"); shown {
		t.Error("after a reset the rules file's hide should apply again")
	}
}

func TestViewIgnoresOlderVersions(t *testing.T) {
	v := NewView()
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
