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

// ErrBus marks a poll that failed because the bus did not store its items
// (a timeout under load, no stream answering): not the source's fault. The
// source keeps its failure count and error, and is polled again soon.
var ErrBus = errors.New("bus did not store the items")

// busRetry is when a poll that failed on the bus is tried again.
const busRetry = 30 * time.Second

// publishRetries is how often one item's publish is tried.
const publishRetries = 4

// publish puts it on subject, trying again after a transient bus error.
func (s *Service) publish(ctx context.Context, subject string, it item.Item) error {
	var err error
	for attempt := range publishRetries {
		if err = stage.Publish(ctx, s.js, subject, it); err == nil || !transient(err) || ctx.Err() != nil {
			break
		}
		if attempt < publishRetries-1 {
			select {
			case <-time.After(time.Duration(attempt+1) * 250 * time.Millisecond):
			case <-ctx.Done():
			}
		}
	}
	if err != nil && transient(err) {
		return fmt.Errorf("%w: %w", ErrBus, err)
	}
	return err
}

// transient reports whether a publish may succeed when tried again.
func transient(err error) bool {
	return errors.Is(err, nats.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, jetstream.ErrNoStreamResponse) || errors.Is(err, nats.ErrNoResponders)
}
