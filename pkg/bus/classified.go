package bus

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// DedupConsumer is the durable consumer of the dedup stage (every replica
// pulls from it) on the classified stream.
const DedupConsumer = "dedup"

// The classified stream only hands items from classify to dedup: nothing
// else reads it, and the raw stream is what replays start from. With
// limits retention it kept a third copy of every item for a week (1.8 KB
// an item, issue 10); with interest retention a message goes once the
// dedup consumer has acked it. Interest needs the consumer to exist before
// the first message, or that message would go at once: setupClassified
// creates the stream with limits retention, then the consumer, and only
// then turns to interest, which also removes what dedup acked already on
// a stream from before.
func setupClassified(ctx context.Context, js jetstream.JetStream, cfg jetstream.StreamConfig) error {
	cfg.Retention = jetstream.LimitsPolicy
	if s, err := js.Stream(ctx, cfg.Name); err == nil {
		cfg.Retention = s.CachedInfo().Config.Retention
	} else if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("bus: stream %s: %w", cfg.Name, err)
	}
	s, err := js.CreateOrUpdateStream(ctx, cfg)
	if err != nil {
		return fmt.Errorf("bus: stream %s: %w", cfg.Name, err)
	}
	if _, err := s.Consumer(ctx, DedupConsumer); errors.Is(err, jetstream.ErrConsumerNotFound) {
		// The stage sets the rest (ack wait, deliveries) when it starts.
		_, err = s.CreateConsumer(ctx, jetstream.ConsumerConfig{Durable: DedupConsumer, AckPolicy: jetstream.AckExplicitPolicy})
		if err != nil && !errors.Is(err, jetstream.ErrConsumerExists) {
			return fmt.Errorf("bus: consumer %s on %s: %w", DedupConsumer, cfg.Name, err)
		}
	} else if err != nil {
		return fmt.Errorf("bus: consumer %s on %s: %w", DedupConsumer, cfg.Name, err)
	}
	if cfg.Retention != jetstream.InterestPolicy {
		cfg.Retention = jetstream.InterestPolicy
		if _, err := js.UpdateStream(ctx, cfg); err != nil {
			return fmt.Errorf("bus: stream %s to interest retention: %w", cfg.Name, err)
		}
	}
	return nil
}
