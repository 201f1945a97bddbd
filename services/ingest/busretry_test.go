package ingest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
)

// TestPollBusFailureNotChargedToSource: when the bus does not store a
// poll's items, the poll fails with a BusError, the source keeps a clean
// record, and the items come on the next poll once the bus is back.
func TestPollBusFailureNotChargedToSource(t *testing.T) {
	e := newEnv(t)
	src := e.site(t, "politie", &site{body: fixture(t, "politie-midden-nederland.rss"), etag: `"v1"`})
	s := e.serviceWith(t, func(c *config.Config) { c.Ingest.Timeout = time.Second }, src)
	ctx := context.Background()
	steps := []struct {
		name    string
		busUp   bool
		wantBus bool
		raw     int
	}{
		{"bus down", false, true, 0},
		{"bus back", true, false, 4},
	}
	for _, st := range steps {
		if st.busUp {
			if err := bus.Setup(ctx, e.js, bus.DefaultOptions()); err != nil {
				t.Fatal(err)
			}
		} else if err := e.js.DeleteStream(ctx, bus.RawStream); err != nil {
			t.Fatal(err)
		}
		err := s.Poll(ctx, src)
		var busErr *BusError
		if errors.As(err, &busErr) != st.wantBus || (!st.wantBus && err != nil) {
			t.Fatalf("%s: poll error %v, want a BusError: %v", st.name, err, st.wantBus)
		}
		state, gerr := s.states.Get(ctx, src.ID)
		if gerr != nil {
			t.Fatal(gerr)
		}
		if state.Failures != 0 || state.LastError != "" {
			t.Errorf("%s: source charged: %d failures, error %q", st.name, state.Failures, state.LastError)
		}
		if st.busUp {
			if n := len(e.raw(t, src.ID)); n != st.raw {
				t.Errorf("%s: %d items on the raw stream, want %d", st.name, n, st.raw)
			}
		}
		e.clock.Advance(time.Minute)
	}
}
