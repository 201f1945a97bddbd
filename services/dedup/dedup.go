// Package dedup lets one copy of each story through to the publisher. The
// first item seen is canonical; a later copy is merged into it as an also_at
// location. A copy is the same canonical URL, GUID or normalised text
// (exact.go), or a near-duplicate: a repost with a new intro, a cut summary
// or an extra closing line, found with MinHash bands (sketch.go) and
// confirmed on the shingles and facts of both texts (similar.go, facts.go).
// State lives in JetStream KV; every claim is an atomic KV create or
// compare-and-set, so concurrent replicas never let two copies of a story
// through (near.go says how for near-duplicates).
package dedup

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
)

// Deduper is the dedup stage.
type Deduper struct {
	store   store
	index   *watchIndex
	log     *slog.Logger
	now     func() time.Time
	stories bool
	// outcomes counts the decisions.
	outcomes *prometheus.CounterVec
}

// Stories turns story grouping on or off (dedup.stories; on by default).
func Stories(on bool) Option { return func(o *options) { o.stories = on } }

// New returns a Deduper on the dedup bucket of js.
func New(ctx context.Context, js jetstream.JetStream, log *slog.Logger, opts ...Option) (*Deduper, error) {
	o := options{stories: true}
	for _, opt := range opts {
		opt(&o)
	}
	jss := append([]jetstream.JetStream{js}, o.more...)
	var kvs []jetstream.KeyValue
	for _, j := range jss {
		kv, err := j.KeyValue(ctx, bus.DedupBucket)
		if err != nil {
			return nil, fmt.Errorf("dedup: %w", err)
		}
		kvs = append(kvs, kv)
	}
	// With connections to spare, the watch gets one of its own: it
	// must keep up with every record written, and waits behind nothing.
	watchJS, ops := jss[0], kvs
	if len(kvs) > 2 {
		watchJS, ops = jss[len(jss)-1], kvs[:len(kvs)-1]
	}
	var kv jetstream.KeyValue = ops[0]
	if len(ops) > 1 {
		kv = &spreadKV{KeyValue: ops[0], all: ops}
	}
	st := store{kv: newCachedKV(kv), pending: newPendingRecords()}
	idx, err := watchBands(ctx, watchJS, st, o.snapshot, log)
	if err != nil {
		return nil, err
	}
	if o.reg == nil {
		o.reg = prometheus.NewRegistry()
	}
	return &Deduper{store: st, index: idx, log: log.With("stage", "dedup"), now: time.Now, stories: o.stories, outcomes: newOutcomes(o.reg)}, nil
}

// Close stops the stage's index and saves it for the next start (see
// IndexSnapshot); call it once the stage has stopped.
func (d *Deduper) Close() error { return d.index.close() }

// Stage returns the dedup stage: classified items in, curated items out.
func (d *Deduper) Stage() stage.Stage {
	return stage.Stage{Name: bus.DedupConsumer, Stream: bus.ClassifiedStream, Subject: bus.CuratedSubject, PerItem: true, Handler: d.Handle, Published: d.Published,
		// Claims are atomic creates and compare-and-sets: messages are
		// handled concurrently as by several replicas.
		Concurrency: 32}
}

// Published clears the pending mark of items now on the curated stream,
// and stores the record of those decided new.
func (d *Deduper) Published(ctx context.Context, outs []item.Item) error {
	for _, out := range outs {
		key := idKey(out.ID)
		rec, rev, ok := d.store.written(key)
		if ok {
			rec.Pending, rec.Deciding = false, false
			if _, err := d.store.put(ctx, key, rec, rev); err == nil {
				continue
			} else if !errors.Is(err, jetstream.ErrKeyRevisionMismatch) && !errors.Is(err, jetstream.ErrKeyExists) {
				return err
			}
			// Changed since this process wrote it: read it.
		}
		rec, rev, ok, err := d.store.get(ctx, key)
		if err != nil {
			return err
		}
		if !ok || rec.Deciding {
			// Its decision was not kept: the redelivery decides again.
			return errConflict
		}
		if !rec.Pending {
			continue
		}
		rec.Pending = false
		if _, err := d.store.update(ctx, key, rec, rev); err != nil {
			return conflict(err)
		}
	}
	return nil
}

// errConflict means another replica changed a record under our feet; the
// message is retried and then sees the other replica's result.
// errConflict is expected contention between replicas: retried, logged at
// debug level.
var errConflict = fmt.Errorf("dedup: concurrent update, retrying: %w", stage.ErrContention)

// Handle decides what becomes of one item: nothing (a repeat), itself (new
// or updated), or its canonical item with one more also_at (a copy). The
// returned item is what goes to the publisher.
func (d *Deduper) Handle(ctx context.Context, it item.Item) ([]item.Item, error) {
	textHash := it.TextHash()
	rec, rev, ok, err := d.store.get(ctx, idKey(it.ID))
	if err != nil {
		return nil, err
	}
	if ok {
		return d.seenID(ctx, it, textHash, rec, rev)
	}
	if key := articleKey(it); key != "" {
		// The same article under a new slug (its number in the path kept):
		// an update of the item first seen with that number.
		owner, err := d.store.claim(ctx, key, it.ID)
		if err != nil {
			return nil, err
		}
		if owner != it.ID {
			orec, orev, ok, err := d.store.get(ctx, idKey(owner))
			if err != nil {
				return nil, err
			}
			if ok && (orec.Item != nil || orec.Deciding) {
				upd := it
				upd.ID = owner
				return d.seenID(ctx, upd, upd.TextHash(), orec, orev)
			}
			if !ok {
				if deciding, err := d.store.deciding(ctx, owner); err != nil || deciding {
					return nil, cmp.Or(err, errConflict) // wait for the first to decide
				}
			}
		}
	}
	// A new id: is it a copy of a story we already have? First exactly,
	// by GUID or text, then as a near-duplicate.
	owner, err := exactOwner(ctx, d.store, it, textHash)
	if err != nil {
		return nil, err
	}
	if owner != it.ID {
		outs, err := d.merge(ctx, it, match{canonical: owner, similarity: 1})
		if err != nil {
			return nil, err
		}
		if _, err := d.store.create(ctx, idKey(it.ID), record{DuplicateOf: owner, TextHash: textHash, Similarity: 1}); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
			return nil, err
		}
		return outs, nil
	}
	fp := NewFingerprint(it)
	rec = record{Item: &it, TextHash: textHash, Pending: true, Print: fp, Bands: fp.bands}
	if len(fp.bands) == 0 {
		// Too short for near-duplicate bands: new, with nothing to decide.
		if _, err := d.store.create(ctx, idKey(it.ID), rec); err != nil {
			if errors.Is(err, jetstream.ErrKeyExists) {
				return nil, errConflict
			}
			return nil, err
		}
		d.outcomes.WithLabelValues("new").Inc()
		return []item.Item{it}, nil
	}
	filed, err := d.store.fileBands(ctx, it.ID, rec)
	if err != nil {
		return nil, err
	}
	return d.decide(ctx, fp, rec, filed, 0)
}

// decide finishes a new item whose bands the watch files at revision
// filed: it looks for the story the item is a near-duplicate of (find),
// then records it as a copy of that story, or as a new story once it is
// published. rev is the revision of the item's record, 0 when it has none
// yet.
func (d *Deduper) decide(ctx context.Context, fp *Fingerprint, rec record, filed, rev uint64) ([]item.Item, error) {
	it := *rec.Item
	// Every item filed before this one is in the index once the watch has
	// applied this one's revision.
	if err := d.index.wait(ctx, filed); err != nil {
		return nil, err
	}
	m, err := find(ctx, d.index, it.ID, fp)
	if err != nil {
		return nil, err
	}
	if m.canonical != "" {
		outs, err := d.merge(ctx, it, m)
		if err != nil {
			return nil, err
		}
		cp := record{DuplicateOf: m.canonical, TextHash: rec.TextHash, Similarity: m.similarity, Print: rec.Print}
		_, err = d.store.put(ctx, idKey(it.ID), cp, rev)
		if errors.Is(err, jetstream.ErrKeyExists) {
			return nil, errConflict
		}
		if err != nil {
			return nil, conflict(err)
		}
		return outs, nil
	}
	rec.Deciding = false
	if d.stories {
		story, err := findStory(ctx, d.index, it.ID, fp)
		if err != nil {
			return nil, err
		}
		if story != "" {
			d.log.Info("story", "item_id", it.ID, "story", story)
		}
		it.Story, rec.Story = story, story
		rec.Item = &it
	}
	// Decided: a new story. Its record is stored once it is published
	// (Published); until then a copy of it waits, as for any item
	// deciding.
	d.store.decided(idKey(it.ID), rec, rev)
	d.outcomes.WithLabelValues("new").Inc()
	return []item.Item{it}, nil
}

// conflict turns a failed compare-and-set (10071, or 10164 on a replicated
// bucket) into errConflict.
func conflict(err error) error {
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return errConflict
	}
	return err
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}
