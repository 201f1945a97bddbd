package dedup

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
)

// streamItems decodes every message of stream, oldest first.
func streamItems(t *testing.T, js jetstream.JetStream, name string) []item.Item {
	t.Helper()
	ctx := context.Background()
	s, err := js.Stream(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs == 0 {
		return nil
	}
	var items []item.Item
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		var it item.Item
		if err := json.Unmarshal(m.Data, &it); err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	return items
}

// TestStageCuratesEachStoryOnce runs the dedup stage on two replicas that
// share the durable consumer, as `baken run dedup` on two machines would.
func TestStageCuratesEachStoryOnce(t *testing.T) {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 2)
	for range 2 {
		_, rjs := natstest.Connect(t, s)
		d := newDeduper(t, rjs)
		go func() { done <- stage.Run(ctx, rjs, d.Stage(), slog.New(slog.DiscardHandler)) }()
	}
	defer func() {
		cancel()
		for range 2 {
			select {
			case err := <-done:
				if err != nil {
					t.Error(err)
				}
			case <-time.After(10 * time.Second):
				t.Error("stage did not stop")
			}
		}
	}()

	buitCopy := story(t, "veiligheidscoalitie",
		"https://www.veiligheidscoalitie.nl/nieuws/e-learning-buit-voor-professionals-bewustwording-en-signalering-mensenhandel",
		"https://www.veiligheidscoalitie.nl/?p=7401", buit(t).Title, buit(t).Content, time.Date(2023, 12, 20, 9, 0, 0, 0, cet))
	var sent uint64
	send := func(items ...item.Item) {
		for _, it := range items {
			// Without a message id: repeats reach the stage, as a
			// re-ingest would.
			data, err := json.Marshal(it)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := js.Publish(context.Background(), bus.ClassifiedSubject, data); err != nil {
				t.Fatal(err)
			}
			sent++
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			c, err := js.Consumer(context.Background(), bus.ClassifiedStream, "dedup")
			if err == nil {
				info, err := c.Info(context.Background())
				if err == nil && info.NumPending == 0 && info.NumAckPending == 0 && info.AckFloor.Stream == sent {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatal("dedup stage did not handle every classified item")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// The originals first, so which copy is canonical is known; then the
	// reposts and repeats, spread over both replicas.
	send(dtnNCTV(t), factsheet(t), cijfers(t, 3, 45, 20), buit(t))
	send(dtnCoalition(t), cijfers(t, 2, 50, 21), buitCopy, factsheet(t), dtnNCTV(t), buitCopy)

	curated := streamItems(t, js, bus.CuratedStream)
	latest := map[string]item.Item{}
	for _, it := range curated {
		latest[it.ID] = it
	}
	wantIDs := []string{dtnNCTV(t).ID, factsheet(t).ID, cijfers(t, 3, 45, 20).ID, buit(t).ID, cijfers(t, 2, 50, 21).ID}
	if len(latest) != len(wantIDs) {
		t.Errorf("%d stories curated, want %d: %v", len(latest), len(wantIDs), titles(curated))
	}
	for _, id := range wantIDs {
		if _, ok := latest[id]; !ok {
			t.Errorf("story %s missing from the curated stream", id)
		}
	}
	// The stream keeps the latest version of each story; its sequence
	// counts every version stored.
	cs, err := js.Stream(context.Background(), bus.CuratedStream)
	if err != nil {
		t.Fatal(err)
	}
	if st := cs.CachedInfo().State; len(curated) != 5 || st.LastSeq != 7 {
		t.Errorf("%d curated messages of %d stored, want 5 of 7 (5 stories, 2 of them again with also_at)", len(curated), st.LastSeq)
	}
	for _, pair := range [][2]item.Item{{dtnNCTV(t), dtnCoalition(t)}, {buit(t), buitCopy}} {
		canon, cp := pair[0], pair[1]
		got := latest[canon.ID].AlsoAt
		if want := []item.Location{{Source: cp.Source, URL: cp.URL}}; !slices.Equal(got, want) {
			t.Errorf("%s: also_at = %v, want %v", canon.Title, got, want)
		}
	}
	if dead := streamItems(t, js, bus.DeadStream); len(dead) != 0 {
		t.Errorf("%d dead letters: %v", len(dead), titles(dead))
	}
}
