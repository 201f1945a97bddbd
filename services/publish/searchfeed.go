package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/services/publish/search"
)

// searchBatch bounds how many stream messages go into one index batch.
const searchBatch = 500

// indexSearch keeps the search index up to date with the curated stream:
// it resumes after the last sequence the index holds (nothing is indexed
// again on a restart) and applies what arrives in batches. The index holds
// each item's latest version, as curated; overrides apply when results
// are shown.
func (p *Publisher) indexSearch(ctx context.Context) error {
	last, err := p.search.LastSeq()
	if err != nil {
		return err
	}
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if last > 0 {
		cfg = jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: last + 1}
	}
	cons, err := p.stream.OrderedConsumer(ctx, cfg)
	if err != nil {
		return fmt.Errorf("publish: search consumer: %w", err)
	}
	p.log.Info("search index resumed", "after_seq", last)
	for ctx.Err() == nil {
		msgs, err := cons.Fetch(searchBatch, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			p.log.Warn("search index fetch", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		b := p.search.NewBatch()
		for msg := range msgs.Messages() {
			md, err := msg.Metadata()
			if err != nil {
				continue
			}
			var it item.Item
			if err := json.Unmarshal(msg.Data(), &it); err != nil || !validID(it.ID) {
				continue // reported by the view's consumer
			}
			it = untrusted(it)
			if err := b.Put(it.ID, search.DocOf(it, p.sourceName(it.Source)), md.Sequence.Stream); err != nil {
				p.log.Error("search index", "item_id", it.ID, "err", err)
			}
		}
		if err := msgs.Error(); err != nil && !errors.Is(err, jetstream.ErrNoHeartbeat) {
			p.log.Warn("search index fetch", "err", err)
		}
		if b.Len() > 0 {
			if err := p.search.Apply(b); err != nil {
				return err
			}
		}
	}
	return nil
}
