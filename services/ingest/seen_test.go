package ingest

import (
	"context"
	"testing"
	"time"
)

// TestPollUpgradesLegacySeen: a state written before the seen set was
// split (one map in the state's value) is read; its items are not
// published again, and the set moves to its own keys.
func TestPollUpgradesLegacySeen(t *testing.T) {
	e := newEnv(t)
	src := e.site(t, "politie", &site{body: fixture(t, "politie-midden-nederland.rss")})
	s := e.service(t, src)
	ctx := context.Background()
	items, _ := NewNormalizer(e.clock.Now).Feed(src, parseFixture(t, "politie-midden-nederland.rss"), src.URL)
	legacy := State{LastSuccess: e.clock.Now().Add(-time.Hour), ItemsFound: len(items), Seen: map[string]time.Time{}}
	for _, it := range items[1:] {
		legacy.Seen[it.ID] = e.clock.Now().Add(-time.Hour)
	}
	if err := s.states.Put(ctx, src.ID, legacy); err != nil {
		t.Fatal(err)
	}
	if err := s.Poll(ctx, src); err != nil {
		t.Fatal(err)
	}
	if got := e.raw(t, src.ID); len(got) != 1 || got[0].ID != items[0].ID {
		t.Errorf("published %d items, want only the one the old state had not seen", len(got))
	}
	st := e.state(t, s, src.ID)
	if st.Seen != nil || st.SeenChunks != 1 || len(e.seen(t, s, src.ID)) != len(items) {
		t.Errorf("state after the upgrade: map %v, %d chunks", st.Seen, st.SeenChunks)
	}
}
