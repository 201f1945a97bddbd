package stage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/item"
)

// Middleware wraps a Handler with one concern: recovery, a time limit,
// retries, storing the outputs, dead letters, metrics, logging. Run
// builds a stage's handler as a chain of them (watermill's router is the
// model); each is a plain function over func(ctx, Item) ([]Item, error).
type Middleware func(Handler) Handler

// Chain wraps h in mws, the first outermost: Chain(h, a, b)(x) runs
// a(b(h))(x).
func Chain(h Handler, mws ...Middleware) Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// Recover turns a panic in the handler into a permanent error: the item
// goes to the dead letters and the stage goes on.
func Recover() Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, it item.Item) (outs []item.Item, err error) {
			defer func() {
				if r := recover(); r != nil {
					outs, err = nil, Permanent(fmt.Errorf("panic: %v", r))
				}
			}()
			return next(ctx, it)
		}
	}
}

// Timeout bounds one call of next.
func Timeout(d time.Duration) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, it item.Item) ([]item.Item, error) {
			ctx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			return next(ctx, it)
		}
	}
}

// Retry calls next again, up to attempts calls in all, while retryable
// says so of its error, waiting backoff(n) before call n+1: the quick
// in-process retry of expected contention, before the message goes back
// to JetStream for a slower redelivery.
func Retry(attempts int, backoff func(n int) time.Duration, retryable func(error) bool) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, it item.Item) ([]item.Item, error) {
			for n := 1; ; n++ {
				outs, err := next(ctx, it)
				if err == nil || n >= attempts || !retryable(err) {
					return outs, err
				}
				select {
				case <-ctx.Done():
					return nil, err
				case <-time.After(backoff(n)):
				}
			}
		}
	}
}

// IsContention reports an expected conflict between replicas.
func IsContention(err error) bool { return errors.Is(err, ErrContention) }

// PublishTo stores the outputs on subject (or subject.<id> with perItem)
// with message ids, before returning them: what wraps it runs once they
// are stored.
func PublishTo(js jetstream.JetStream, subject string, perItem bool) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, it item.Item) ([]item.Item, error) {
			outs, err := next(ctx, it)
			if err != nil {
				return nil, err
			}
			for _, out := range outs {
				publish, s := Publish, subject
				if perItem {
					// The curated stream: readers of it place items by
					// their header.
					publish, s = PublishPlaced, s+"."+out.ID
				}
				if err := publish(ctx, js, s, out); err != nil {
					return nil, err
				}
			}
			return outs, nil
		}
	}
}

// Then runs fn on the outputs after next returned them, when there are
// any; wrapped around PublishTo it runs once they are stored (dedup clears
// its pending marks there). An error of fn fails the message, which is
// redelivered; the outputs carry message ids, so none is stored twice.
func Then(fn func(ctx context.Context, outs []item.Item) error) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, it item.Item) ([]item.Item, error) {
			outs, err := next(ctx, it)
			if err != nil || len(outs) == 0 {
				return outs, err
			}
			return outs, fn(ctx, outs)
		}
	}
}

// ErrDeadLettered is returned once an item is stored on the dead letters:
// the message is done (terminated), not to be redelivered.
var ErrDeadLettered = errors.New("stored as a dead letter")

// DeadLetter stores the item on the dead-letter subject of stage, with the
// error, when the error is permanent or the delivery was the last one
// allowed; it then returns ErrDeadLettered wrapping the cause.
func DeadLetter(js jetstream.JetStream, stage string, maxDeliver int) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, it item.Item) ([]item.Item, error) {
			outs, err := next(ctx, it)
			if err == nil || !errors.Is(err, ErrPermanent) && deliveryOf(ctx) < maxDeliver {
				return outs, err
			}
			data, mErr := jsonItem(it)
			if mErr != nil {
				return nil, err
			}
			if dlErr := storeDead(ctx, js, stage, data, subjectOf(ctx), err); dlErr != nil {
				return nil, fmt.Errorf("%w (dead letter not stored: %v)", err, dlErr)
			}
			return nil, fmt.Errorf("%w: %w", ErrDeadLettered, err)
		}
	}
}

// storeDead publishes data on the dead-letter subject of stage. The handler
// may have used up ctx's deadline; on the last delivery a failed store
// would lose the message, so storing gets its own.
func storeDead(ctx context.Context, js jetstream.JetStream, stage string, data []byte, subject string, cause error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	dl := nats.NewMsg(bus.DeadSubject + "." + stage)
	dl.Data = data
	dl.Header.Set("Baken-Error", cause.Error())
	dl.Header.Set("Baken-Subject", subject)
	_, err := js.PublishMsg(ctx, dl)
	return err
}

// Logging logs a failed call: at warn level, expected contention at debug,
// a dead letter at error.
func Logging(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, it item.Item) ([]item.Item, error) {
			outs, err := next(ctx, it)
			switch {
			case err == nil:
			case errors.Is(err, ErrDeadLettered):
				log.Error("giving up on message", "item_id", it.ID, "source", it.Source, "subject", subjectOf(ctx), "err", err)
			default:
				level := slog.LevelWarn
				if IsContention(err) {
					level = slog.LevelDebug
				}
				log.Log(ctx, level, "handler failed, will retry", "item_id", it.ID, "source", it.Source, "delivered", deliveryOf(ctx), "err", err)
			}
			return outs, err
		}
	}
}

// Heartbeat tells JetStream every interval that the message is still being
// worked on, so a short AckWait redelivers a dead replica's messages soon
// while a slow handler keeps its own.
func Heartbeat(interval time.Duration) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, it item.Item) ([]item.Item, error) {
			msg := msgOf(ctx)
			if msg == nil {
				return next(ctx, it)
			}
			done := make(chan struct{})
			defer close(done)
			go func() {
				t := time.NewTicker(interval)
				defer t.Stop()
				for {
					select {
					case <-done:
						return
					case <-t.C:
						_ = msg.InProgress()
					}
				}
			}()
			return next(ctx, it)
		}
	}
}

// The message a call works on, carried in its context for the
// middlewares that need it.
type msgKey struct{}

func withMsg(ctx context.Context, msg jetstream.Msg) context.Context {
	return context.WithValue(ctx, msgKey{}, msg)
}

func msgOf(ctx context.Context) jetstream.Msg {
	msg, _ := ctx.Value(msgKey{}).(jetstream.Msg)
	return msg
}

// deliveryOf is how often the message was delivered, this time included
// (1 without a message).
func deliveryOf(ctx context.Context) int {
	if msg := msgOf(ctx); msg != nil {
		if md, err := msg.Metadata(); err == nil {
			return int(md.NumDelivered)
		}
	}
	return 1
}

func subjectOf(ctx context.Context) string {
	if msg := msgOf(ctx); msg != nil {
		return msg.Subject()
	}
	return ""
}
