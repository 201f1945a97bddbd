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
