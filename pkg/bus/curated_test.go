package bus_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
)

// TestCuratedOneMessagePerItem: the curated stream keeps the latest
// version of each item, also of items stored before one subject per item.
func TestCuratedOneMessagePerItem(t *testing.T) {
	type version struct{ ID, Title string }
	tests := []struct {
		name   string
		old    []version // on the old single subject, before Setup
		new    []version // on the item subjects, after Setup
		latest map[string]string
	}{
		{name: "fresh", new: []version{{"a", "1"}, {"b", "1"}, {"a", "2"}}, latest: map[string]string{"a": "2", "b": "1"}},
		{name: "migrated", old: []version{{"a", "1"}, {"b", "1"}, {"a", "2"}}, latest: map[string]string{"a": "2", "b": "1"}},
		{name: "migrated, then updated", old: []version{{"a", "1"}, {"b", "1"}}, new: []version{{"b", "2"}, {"c", "1"}}, latest: map[string]string{"a": "1", "b": "2", "c": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			_, js := natstest.Connect(t, natstest.Run(t, t.TempDir()))
			publish := func(subject string, v version) {
				data, _ := json.Marshal(map[string]string{"id": v.ID, "title": v.Title})
				if _, err := js.Publish(ctx, subject, data); err != nil {
					t.Fatal(err)
				}
			}
			if len(tt.old) > 0 {
				// A store from before: every version on one subject.
				if err := js.DeleteStream(ctx, bus.CuratedStream); err != nil {
					t.Fatal(err)
				}
				if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: bus.CuratedStream, Subjects: []string{bus.CuratedSubject}}); err != nil {
					t.Fatal(err)
				}
				for _, v := range tt.old {
					publish(bus.CuratedSubject, v)
				}
			}
			if err := bus.Setup(ctx, js, bus.DefaultOptions()); err != nil {
				t.Fatal(err)
			}
			for _, v := range tt.new {
				publish(bus.CuratedItemSubject(v.ID), v)
			}
			s, err := js.Stream(ctx, bus.CuratedStream)
			if err != nil {
				t.Fatal(err)
			}
			info, _ := s.Info(ctx)
			if int(info.State.Msgs) != len(tt.latest) {
				t.Errorf("%d messages, want one per item: %d", info.State.Msgs, len(tt.latest))
			}
			for id, title := range tt.latest {
				msg, err := s.GetLastMsgForSubject(ctx, bus.CuratedItemSubject(id))
				if err != nil {
					t.Fatalf("%s: %v", id, err)
				}
				var got version
				_ = json.Unmarshal(msg.Data, &got)
				if got.Title != title {
					t.Errorf("%s: version %q, want %q", id, got.Title, title)
				}
			}
		})
	}
}
