package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
)

// BusError is a poll that failed because NATS did not answer: the bus's
// fault, not the source's. It is never counted as the source's failure;
// the source is polled again as soon as the bus is back.
type BusError struct{ Err error }

func (e *BusError) Error() string { return "bus unavailable: " + e.Err.Error() }
func (e *BusError) Unwrap() error { return e.Err }

// busUnavailable tells a bus that does not answer (no server, no stream
// leader, a publish not acknowledged in time) from errors of the item or
// the source.
func busUnavailable(err error) bool {
	for _, target := range []error{
		nats.ErrTimeout, nats.ErrNoResponders, nats.ErrConnectionClosed, nats.ErrConnectionReconnecting,
		nats.ErrDisconnected, nats.ErrConnectionDraining, jetstream.ErrNoStreamResponse,
		jetstream.ErrJetStreamNotEnabled, context.DeadlineExceeded,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	var apiErr *jetstream.APIError
	// 503: JetStream has no leader for the stream right now.
	return errors.As(err, &apiErr) && apiErr.Code == 503
}

// onBus runs op, retrying while the bus does not answer, with backoff from
// 100ms up to 2s, until it succeeds, fails otherwise, or until deadline.
// A bus that stays away gives a *BusError.
func onBus(ctx context.Context, deadline time.Time, op func(context.Context) error) error {
	wait := 100 * time.Millisecond
	for {
		err := op(ctx)
		if err == nil || !busUnavailable(err) || ctx.Err() != nil {
			return err
		}
		if time.Now().Add(wait).After(deadline) {
			return &BusError{Err: err}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// publish puts it on the raw stream, riding out a short bus outage.
func (s *Service) publish(ctx context.Context, deadline time.Time, subject string, it item.Item) error {
	return onBus(ctx, deadline, func(ctx context.Context) error {
		if err := stage.Publish(ctx, s.js, subject, it); err != nil {
			return fmt.Errorf("publish: %w", err)
		}
		return nil
	})
}
