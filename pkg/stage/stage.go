// Package stage runs a pipeline stage: it consumes one JetStream stream with
// a durable consumer, hands each item to a plain handler function, publishes
// the handler's output with a Nats-Msg-Id derived from the item, and acks
// only after that. A redelivery therefore never yields a second copy.
package stage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/item"
)

// Handler turns one item into the items to pass on: none (dropped), one, or
// more. It stores whatever state it needs before returning.
type Handler func(ctx context.Context, it item.Item) ([]item.Item, error)

// Stage describes one consumer of the pipeline.
type Stage struct {
	Name    string // durable consumer name and dead-letter subject suffix
	Stream  string // input
	Subject string // where outputs go
	// PerItem publishes each output under Subject + "." + its id.
	PerItem bool
	Handler Handler
	// Published, when set, runs after the outputs are stored and before the
	// ack: the place to mark state as done.
	Published func(ctx context.Context, outs []item.Item) error
	// MaxDeliver bounds retries before a message goes to the dead letters.
	MaxDeliver int
	// Timeout bounds one handler call.
	Timeout time.Duration
	// Concurrency is how many messages are handled at once (default 1).
	// A handler that runs concurrently must store its state with atomic
	// claims or compare-and-set, as it must for several replicas anyway.
	Concurrency int
}

// ErrPermanent marks an error that retrying will not cure.
var ErrPermanent = errors.New("permanent")

// Permanent wraps err so the message goes straight to the dead letters.
func Permanent(err error) error { return fmt.Errorf("%w: %w", ErrPermanent, err) }

// Run consumes until ctx is done, then drains: messages already handed to the
// handler finish and are acked before Run returns.
func Run(ctx context.Context, js jetstream.JetStream, st Stage, log *slog.Logger) error {
	if st.MaxDeliver == 0 {
		st.MaxDeliver = 8
	}
	if st.Timeout == 0 {
		st.Timeout = time.Minute
	}
	log = log.With("stage", st.Name)
	cons, err := js.CreateOrUpdateConsumer(ctx, st.Stream, jetstream.ConsumerConfig{
		Durable:       st.Name,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       st.Timeout + 30*time.Second,
		MaxDeliver:    st.MaxDeliver,
		MaxAckPending: 256,
	})
	if err != nil {
		return fmt.Errorf("stage %s: consumer on %s: %w", st.Name, st.Stream, err)
	}
	// Work continues on a context that outlives ctx, so a shutdown lets
	// in-flight messages finish instead of failing them half-way.
	work := context.WithoutCancel(ctx)
	n := max(st.Concurrency, 1)
	slots := make(chan struct{}, n)
	var wg sync.WaitGroup
	cc, err := cons.Consume(func(msg jetstream.Msg) {
		if n == 1 {
			st.handle(work, js, msg, log)
			return
		}
		// Consume calls back one message at a time: hand each to a
		// worker, waiting for a free one.
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			st.handle(work, js, msg, log)
		})
	}, pullOpts(n)...)
	if err != nil {
		return fmt.Errorf("stage %s: consume: %w", st.Name, err)
	}
	log.Info("stage started", "stream", st.Stream, "concurrency", n)
	<-ctx.Done()
	cc.Drain()
	<-cc.Closed()
	wg.Wait()
	log.Info("stage drained")
	return nil
}

// pullOpts buffers enough messages to keep n workers busy.
func pullOpts(n int) []jetstream.PullConsumeOpt {
	if n == 1 {
		return nil
	}
	return []jetstream.PullConsumeOpt{jetstream.PullMaxMessages(max(4*n, 64))}
}

func (st *Stage) handle(ctx context.Context, js jetstream.JetStream, msg jetstream.Msg, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, st.Timeout)
	defer cancel()
	var it item.Item
	if err := json.Unmarshal(msg.Data(), &it); err != nil {
		st.deadLetter(ctx, js, msg, Permanent(fmt.Errorf("decode item: %w", err)), log)
		return
	}
	outs, err := st.call(ctx, it)
	if err == nil {
		for _, out := range outs {
			subject := st.Subject
			if st.PerItem {
				subject += "." + out.ID
			}
			if err = Publish(ctx, js, subject, out); err != nil {
				break
			}
		}
	}
	if err == nil && st.Published != nil && len(outs) > 0 {
		err = st.Published(ctx, outs)
	}
	if err != nil {
		st.fail(ctx, js, msg, it, err, log)
		return
	}
	processed.WithLabelValues(st.Name, "ok").Inc()
	if err := msg.Ack(); err != nil {
		// Redelivery is harmless: outputs carry message ids.
		log.Warn("ack failed", "item_id", it.ID, "err", err)
	}
}

// call runs the handler, turning a panic into an error.
func (st *Stage) call(ctx context.Context, it item.Item) (outs []item.Item, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = Permanent(fmt.Errorf("panic: %v", r))
		}
	}()
	return st.Handler(ctx, it)
}

func (st *Stage) fail(ctx context.Context, js jetstream.JetStream, msg jetstream.Msg, it item.Item, err error, log *slog.Logger) {
	delivered := uint64(1)
	if md, mdErr := msg.Metadata(); mdErr == nil {
		delivered = md.NumDelivered
	}
	if errors.Is(err, ErrPermanent) || delivered >= uint64(st.MaxDeliver) {
		st.deadLetter(ctx, js, msg, err, log)
		return
	}
	processed.WithLabelValues(st.Name, "retry").Inc()
	log.Warn("handler failed, will retry", "item_id", it.ID, "source", it.Source, "delivered", delivered, "err", err)
	_ = msg.NakWithDelay(Backoff(int(delivered)))
}

func (st *Stage) deadLetter(ctx context.Context, js jetstream.JetStream, msg jetstream.Msg, cause error, log *slog.Logger) {
	// The handler may have used up ctx's deadline; on the last delivery a
	// failed store would lose the message, so storing gets its own.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	processed.WithLabelValues(st.Name, "dead").Inc()
	log.Error("giving up on message", "subject", msg.Subject(), "err", cause)
	dl := nats.NewMsg(bus.DeadSubject + "." + st.Name)
	dl.Data = msg.Data()
	dl.Header.Set("Baken-Error", cause.Error())
	dl.Header.Set("Baken-Subject", msg.Subject())
	if _, err := js.PublishMsg(ctx, dl); err != nil {
		log.Error("dead letter not stored, leaving message for redelivery", "err", err)
		_ = msg.Nak()
		return
	}
	_ = msg.Term()
}

// Backoff is the delay before retry n (1-based): 1s, 2s, 4s ... capped at 5m.
func Backoff(n int) time.Duration {
	d := time.Second << min(max(n-1, 0), 9)
	return min(d, 5*time.Minute)
}

// Publish sends it to subject with a message id made of the item id and a
// hash of its encoding: JetStream drops a second copy of the same version,
// while an edited, reclassified or merged version goes through.
func Publish(ctx context.Context, js jetstream.JetStream, subject string, it item.Item) error {
	data, err := json.Marshal(it)
	if err != nil {
		return fmt.Errorf("publish %s: %w", it.ID, err)
	}
	sum := sha256.Sum256(data)
	msgID := it.ID + "." + hex.EncodeToString(sum[:8])
	if _, err := js.Publish(ctx, subject, data, jetstream.WithMsgID(msgID)); err != nil {
		return fmt.Errorf("publish %s to %s: %w", it.ID, subject, err)
	}
	return nil
}
