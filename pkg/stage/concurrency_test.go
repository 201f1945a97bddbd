package stage_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
)

// TestRunConcurrency: a stage handles up to Concurrency messages at once,
// each output once, and a shutdown waits for the handlers in flight.
func TestRunConcurrency(t *testing.T) {
	tests := []struct {
		concurrency int
		wantMax     int32
	}{
		{0, 1},
		{1, 1},
		{4, 4},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.concurrency), func(t *testing.T) {
			s := natstest.Run(t, "")
			_, js := natstest.Connect(t, s)
			const n = 8
			var inFlight, most, done atomic.Int32
			st := stage.Stage{
				Name: "classify", Stream: bus.RawStream, Subject: bus.CuratedSubject, PerItem: true,
				Concurrency: tt.concurrency,
				Handler: func(ctx context.Context, it item.Item) ([]item.Item, error) {
					now := inFlight.Add(1)
					for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
					}
					time.Sleep(100 * time.Millisecond) // long enough for the others to start
					inFlight.Add(-1)
					done.Add(1)
					return classify(ctx, it)
				},
			}
			cancel, finished := start(t, js, st)
			for i := range n {
				publish(t, js, rawSubject, item.Item{ID: fmt.Sprintf("%032x", i), Title: fmt.Sprint("bericht ", i), URL: fmt.Sprintf("https://example.nl/%d", i)})
			}
			eventually(t, 20*time.Second, "every message handled", func() bool { return done.Load() >= n && settled(t, js, bus.RawStream, "classify") })
			cancel()
			<-finished
			if inFlight.Load() != 0 {
				t.Errorf("Run returned with %d handlers in flight", inFlight.Load())
			}
			if most.Load() != tt.wantMax {
				t.Errorf("at most %d messages at once, want %d", most.Load(), tt.wantMax)
			}
			// Every output went to its own subject, once.
			out := messages(t, js, bus.CuratedStream)
			if len(out) != n {
				t.Errorf("%d outputs, want %d", len(out), n)
			}
			for _, m := range out {
				if it := decode(t, m.Data); m.Subject != bus.CuratedItemSubject(it.ID) {
					t.Errorf("output on %s, want %s", m.Subject, bus.CuratedItemSubject(it.ID))
				}
			}
		})
	}
}
