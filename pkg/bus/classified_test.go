package bus_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
)

// TestClassifiedKeepsWhatDedupHasNotAcked: the classified stream holds an
// item until the dedup consumer has acked it, on a fresh store and on one
// from before interest retention, with or without a dedup consumer then.
func TestClassifiedKeepsWhatDedupHasNotAcked(t *testing.T) {
	tests := []struct {
		name     string
		before   int  // messages on a limits stream from before Setup
		consumer bool // that stream had a dedup consumer
		acked    int  // messages dedup acks (before Setup when there was a stream)
		after    int  // messages published after Setup
		left     uint64
	}{
		{name: "fresh", after: 3, acked: 2, left: 1},
		{name: "old stream, dedup caught up", before: 3, consumer: true, acked: 3, left: 0},
		{name: "old stream, dedup behind", before: 3, consumer: true, acked: 1, after: 1, left: 3},
		{name: "old stream, dedup never ran", before: 3, after: 1, left: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			_, js := natstest.Connect(t, natstest.Run(t, t.TempDir()))
			publish := func(n int) {
				for range n {
					if _, err := js.Publish(ctx, bus.ClassifiedSubject, []byte(`{"id":"x"}`)); err != nil {
						t.Fatal(err)
					}
				}
			}
			ack := func(n int) {
				cons, err := js.Consumer(ctx, bus.ClassifiedStream, bus.DedupConsumer)
				if err != nil {
					t.Fatal(err)
				}
				for range n {
					msg, err := cons.Next(jetstream.FetchMaxWait(2 * time.Second))
					if err != nil {
						t.Fatal(err)
					}
					if err := msg.DoubleAck(ctx); err != nil {
						t.Fatal(err)
					}
				}
			}
			if tt.before > 0 {
				if err := js.DeleteStream(ctx, bus.ClassifiedStream); err != nil {
					t.Fatal(err)
				}
				s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: bus.ClassifiedStream, Subjects: []string{bus.ClassifiedSubject}})
				if err != nil {
					t.Fatal(err)
				}
				publish(tt.before)
				if tt.consumer {
					if _, err := s.CreateConsumer(ctx, jetstream.ConsumerConfig{Durable: bus.DedupConsumer, AckPolicy: jetstream.AckExplicitPolicy}); err != nil {
						t.Fatal(err)
					}
					ack(tt.acked)
				}
			}
			if err := bus.Setup(ctx, js, bus.DefaultOptions()); err != nil {
				t.Fatal(err)
			}
			publish(tt.after)
			if tt.before == 0 {
				ack(tt.acked)
			}
			s, err := js.Stream(ctx, bus.ClassifiedStream)
			if err != nil {
				t.Fatal(err)
			}
			info, err := s.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if info.Config.Retention != jetstream.InterestPolicy {
				t.Errorf("retention %v, want interest", info.Config.Retention)
			}
			if info.State.Msgs != tt.left {
				t.Errorf("%d messages on the stream, want %d", info.State.Msgs, tt.left)
			}
			// Setup again (every service calls it on start) changes nothing.
			if err := bus.Setup(ctx, js, bus.DefaultOptions()); err != nil {
				t.Fatal(err)
			}
		})
	}
}
