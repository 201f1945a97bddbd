package publish

import (
	"context"
	"testing"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/stage"
)

// TestReadyWhenTheLastMessageIsGone: the view is rebuilt once the replay
// reaches the end of the stream, also when the stream's last message is
// no longer there (deleted, or every item aged out): stages of the same
// process wait for it (hub.afterView).
func TestReadyWhenTheLastMessageIsGone(t *testing.T) {
	ctx := context.Background()
	for _, all := range []bool{false, true} {
		_, js := natstest.Connect(t, natstest.Run(t, ""))
		for _, it := range placedItems(6) {
			if err := stage.PublishPlaced(ctx, js, bus.CuratedItemSubject(it.ID), it); err != nil {
				t.Fatal(err)
			}
		}
		s, err := js.Stream(ctx, bus.CuratedStream)
		if err != nil {
			t.Fatal(err)
		}
		last := s.CachedInfo().State.LastSeq
		if all {
			err = s.Purge(ctx)
		} else {
			err = s.DeleteMsg(ctx, last)
		}
		if err != nil {
			t.Fatal(err)
		}
		p, _ := runPublisher(t, js, testOptions)
		waitFor(t, "the view rebuilt", p.Ready)
		if want := 5; !all && p.View().Held() != want {
			t.Errorf("last message deleted: %d items held, want %d", p.View().Held(), want)
		}
	}
}
