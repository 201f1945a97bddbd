package publish

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/item"
)

// Downstream consumers subscribe to baken.out with wildcards; with two
// publish replicas on one stream each item still goes out once per theme ×
// district pair, and a hidden item not at all.
func TestOutSubjects(t *testing.T) {
	s := natstest.Run(t, "")
	nc, js := natstest.Connect(t, s)
	var mu sync.Mutex
	got := map[string][]string{} // subject -> item ids
	sub, err := nc.Subscribe("baken.out.>", func(m *nats.Msg) {
		var it item.Item
		if err := json.Unmarshal(m.Data, &it); err != nil {
			t.Error(err)
		}
		mu.Lock()
		got[m.Subject] = append(got[m.Subject], it.ID)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	var ondermijning []string
	sub2, _ := nc.Subscribe("baken.out.ondermijning.>", func(m *nats.Msg) {
		mu.Lock()
		ondermijning = append(ondermijning, m.Subject)
		mu.Unlock()
	})
	defer sub2.Unsubscribe()

	p1, srv := runPublisher(t, js, testOptions)
	p2, _ := runPublisher(t, js, testOptions) // a second replica
	// Hidden before it is curated: it never goes out.
	hidden := item.Item{ID: "e0000000000000000000000000000009", Source: "nctv", Title: "Verborgen", Published: time.Now(), Themes: []item.Theme{{ID: "terrorisme"}}}
	publishItem(t, js, hidden)
	waitFor(t, "the hidden item", func() bool { _, _, ok := p1.View().Item(hidden.ID); return ok })
	if code, body := postOverride(t, srv.URL, `{"item_id":"`+hidden.ID+`","action":"hide","who":"redactie","why":"test"}`); code != 200 {
		t.Fatalf("hide: %d %s", code, body)
	}
	waitFor(t, "the override", func() bool { return !p1.View().Override(hidden.ID).Empty() && !p2.View().Override(hidden.ID).Empty() })
	mu.Lock()
	clear(got) // what went out before the hide
	mu.Unlock()
	publishItem(t, js, item.Item{ID: hidden.ID, Source: "nctv", Title: "Verborgen, bijgewerkt", Published: hidden.Published, Themes: hidden.Themes})

	items := []item.Item{
		{ID: "e0000000000000000000000000000001", Source: "politie", Title: "Twee thema's, twee districten", Published: time.Now(),
			Themes: []item.Theme{{ID: "ondermijning"}, {ID: "openbare-orde"}}, Districts: []string{"utrecht-stad", "midden-nederland"}},
		{ID: "e0000000000000000000000000000002", Source: "nctv", Title: "Landelijk", Published: time.Now(), Themes: []item.Theme{{ID: "terrorisme"}}},
		{ID: "e0000000000000000000000000000003", Source: "politie", Title: "Zonder thema", Published: time.Now(), Districts: []string{"utrecht-stad"}},
	}
	for _, it := range items {
		publishItem(t, js, it)
	}
	publishItem(t, js, items[1]) // the same version again: no second copy
	want := map[string][]string{
		"baken.out.ondermijning.utrecht-stad":      {items[0].ID},
		"baken.out.ondermijning.midden-nederland":  {items[0].ID},
		"baken.out.openbare-orde.utrecht-stad":     {items[0].ID},
		"baken.out.openbare-orde.midden-nederland": {items[0].ID},
		"baken.out.terrorisme._":                   {items[1].ID},
		"baken.out._.utrecht-stad":                 {items[2].ID},
	}
	waitFor(t, "six messages", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) >= len(want) && len(got["baken.out._.utrecht-stad"]) > 0
	})
	time.Sleep(300 * time.Millisecond) // room for copies that should not come
	mu.Lock()
	defer mu.Unlock()
	for subject, ids := range want {
		if !slices.Equal(got[subject], ids) {
			t.Errorf("%s: %v, want %v", subject, got[subject], ids)
		}
	}
	if len(got) != len(want) {
		t.Errorf("subjects %v, want those of %v", got, want)
	}
	if len(ondermijning) != 2 {
		t.Errorf("baken.out.ondermijning.> got %v, want the two districts", ondermijning)
	}
	info, err := js.Stream(context.Background(), bus.OutStream)
	if err != nil {
		t.Fatal(err)
	}
	if n := info.CachedInfo().State.Msgs; n < 6 {
		t.Errorf("%s holds %d messages, want the six at least", bus.OutStream, n)
	}
}
