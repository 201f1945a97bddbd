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
	// Metrics, when set, count and time the stage's messages.
	Metrics *Metrics
	// Timeout bounds one handler call.
	Timeout time.Duration
	// Concurrency is how many messages are handled at once (default 1).
	// A handler that runs concurrently must store its state with atomic
	// claims or compare-and-set, as it must for several replicas anyway.
	Concurrency int
}

// ErrPermanent marks an error that retrying will not cure.
var ErrPermanent = errors.New("permanent")

// ErrContention marks an error that is expected when replicas work on the
// same state at once (a lost compare-and-set): retried like any other,
// but logged at debug level.
var ErrContention = errors.New("contention")

// Permanent wraps err so the message goes straight to the dead letters.
func Permanent(err error) error { return fmt.Errorf("%w: %w", ErrPermanent, err) }

// ackWait is how long JetStream waits for an ack before it redelivers a
// message elsewhere: a replica that dies holds its messages this long at
// most. A handler that takes longer sends heartbeats (Heartbeat).
const ackWait = 10 * time.Second

// maxAckPending bounds the messages out at once over all replicas of a
// stage, and pullBatch what one replica buffers: one dead replica cannot
// strand more than that until its messages go elsewhere.
const (
	maxAckPending = 256
	pullBatch     = 16
)

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
		AckWait:       ackWait,
		MaxDeliver:    st.MaxDeliver,
		MaxAckPending: maxAckPending,
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting: nothing in flight
		}
		return fmt.Errorf("stage %s: consumer on %s: %w", st.Name, st.Stream, err)
	}
	h := st.chain(js, log)
	// Work continues on a context that outlives ctx, so a shutdown lets
	// in-flight messages finish instead of failing them half-way.
	work := context.WithoutCancel(ctx)
	n := max(st.Concurrency, 1)
	slots := make(chan struct{}, n)
	var wg sync.WaitGroup
	cc, err := cons.Consume(func(msg jetstream.Msg) {
		if n == 1 {
			st.handle(work, js, h, msg, log)
			return
		}
		// Consume calls back one message at a time: hand each to a
		// worker, waiting for a free one.
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			st.handle(work, js, h, msg, log)
		})
	}, jetstream.PullMaxMessages(max(2*n, pullBatch)))
	if err != nil {
		return fmt.Errorf("stage %s: consume: %w", st.Name, err)
	}
	if st.Metrics != nil {
		go st.Metrics.follow(ctx, st.Name, cons, 5*time.Second)
	}
	log.Info("stage started", "stream", st.Stream, "concurrency", n)
	<-ctx.Done()
	cc.Drain()
	<-cc.Closed()
	wg.Wait()
	log.Info("stage drained")
	return nil
}

// chain is the stage's handler with its middlewares, outermost first:
// logging, metrics, dead letters, heartbeats, the time limit, the
// Published hook (after the outputs are stored), storing the outputs, quick
// retries of contention, and recovery from a panic.
func (st *Stage) chain(js jetstream.JetStream, log *slog.Logger) Handler {
	mws := []Middleware{Logging(log)}
	if st.Metrics != nil {
		mws = append(mws, st.Metrics.Middleware(st.Name))
	}
	mws = append(mws, DeadLetter(js, st.Name, st.MaxDeliver), Heartbeat(ackWait/3), Timeout(st.Timeout))
	if st.Published != nil {
		mws = append(mws, Then(st.Published))
	}
	mws = append(mws,
		PublishTo(js, st.Subject, st.PerItem),
		Retry(3, func(n int) time.Duration { return time.Duration(n) * 20 * time.Millisecond }, IsContention),
		Recover())
	return Chain(st.Handler, mws...)
}

// handle decodes a message, runs the chain on it and acks, terminates or
// naks with backoff by the outcome.
func (st *Stage) handle(ctx context.Context, js jetstream.JetStream, h Handler, msg jetstream.Msg, log *slog.Logger) {
	ctx = withMsg(ctx, msg)
	var it item.Item
	if err := json.Unmarshal(msg.Data(), &it); err != nil {
		cause := Permanent(fmt.Errorf("decode item: %w", err))
		if dlErr := storeDead(ctx, js, st.Name, msg.Data(), msg.Subject(), cause); dlErr != nil {
			log.Error("dead letter not stored, leaving message for redelivery", "err", dlErr)
			_ = msg.Nak()
			return
		}
		log.Error("giving up on message", "subject", msg.Subject(), "err", cause)
		_ = msg.Term()
		return
	}
	_, err := h(ctx, it)
	switch {
	case err == nil:
		if err := msg.Ack(); err != nil {
			// Redelivery is harmless: outputs carry message ids.
			log.Warn("ack failed", "item_id", it.ID, "err", err)
		}
	case errors.Is(err, ErrDeadLettered):
		_ = msg.Term()
	default:
		_ = msg.NakWithDelay(Backoff(deliveryOf(ctx)))
	}
}

// Backoff is the delay before retry n (1-based): 1s, 2s, 4s ... capped at 5m.
func Backoff(n int) time.Duration {
	d := time.Second << min(max(n-1, 0), 9)
	return min(d, 5*time.Minute)
}

func jsonItem(it item.Item) ([]byte, error) { return json.Marshal(it) }

// Publish sends it to subject with a message id made of the item id and a
// hash of its encoding: JetStream drops a second copy of the same version,
// while an edited, reclassified or merged version goes through.
func Publish(ctx context.Context, js jetstream.JetStream, subject string, it item.Item) error {
	return publish(ctx, js, subject, it, false)
}

// PublishPlaced is Publish with the item's placement in a header too
// (item.PlacementHeader), for the curated stream.
func PublishPlaced(ctx context.Context, js jetstream.JetStream, subject string, it item.Item) error {
	return publish(ctx, js, subject, it, true)
}

// PublishOnSubjects is Publish to each of subjects, with the subject in
// the message id too: the copies of one version under several subjects of
// a stream each go in once. The item is encoded once and the copies are
// sent together, then their acks awaited: a fan-out of many subjects costs
// one round trip, not one each.
func PublishOnSubjects(ctx context.Context, js jetstream.JetStream, subjects []string, it item.Item) error {
	data, err := json.Marshal(it)
	if err != nil {
		return fmt.Errorf("publish %s: %w", it.ID, err)
	}
	id := versionID(it.ID, data)
	acks := make([]jetstream.PubAckFuture, 0, len(subjects))
	for _, subject := range subjects {
		ack, err := js.PublishMsgAsync(&nats.Msg{Subject: subject, Data: data}, jetstream.WithMsgID(id+"."+subject))
		if err != nil {
			return fmt.Errorf("publish %s to %s: %w", it.ID, subject, err)
		}
		acks = append(acks, ack)
	}
	for _, ack := range acks {
		select {
		case <-ack.Ok():
		case err := <-ack.Err():
			return fmt.Errorf("publish %s to %s: %w", it.ID, ack.Msg().Subject, err)
		case <-ctx.Done():
			return fmt.Errorf("publish %s to %s: %w", it.ID, ack.Msg().Subject, ctx.Err())
		}
	}
	return nil
}

// versionID is the message id of one version of an item: its id and a
// hash of its encoding.
func versionID(id string, data []byte) string {
	sum := sha256.Sum256(data)
	return id + "." + hex.EncodeToString(sum[:8])
}

func publish(ctx context.Context, js jetstream.JetStream, subject string, it item.Item, placed bool) error {
	data, err := json.Marshal(it)
	if err != nil {
		return fmt.Errorf("publish %s: %w", it.ID, err)
	}
	msgID := versionID(it.ID, data)
	msg := &nats.Msg{Subject: subject, Data: data, Header: nats.Header{}}
	if placed {
		placement, err := json.Marshal(it.Placement())
		if err != nil {
			return fmt.Errorf("publish %s: %w", it.ID, err)
		}
		msg.Header.Set(item.PlacementHeader, string(placement))
	}
	if _, err := js.PublishMsg(ctx, msg, jetstream.WithMsgID(msgID)); err != nil {
		return fmt.Errorf("publish %s to %s: %w", it.ID, subject, err)
	}
	return nil
}
