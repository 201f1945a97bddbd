// Package dedup lets one copy of each story through to the publisher. The
// first item seen is canonical; a later copy (same canonical URL, GUID or
// normalised text) is merged into it as an also_at location. State lives in
// JetStream KV, and every claim is an atomic KV create, so concurrent
// replicas never let two copies of a story through.
package dedup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
)

// Deduper is the dedup stage.
type Deduper struct {
	store store
	log   *slog.Logger
	now   func() time.Time
}

// New returns a Deduper on the dedup bucket of js.
func New(ctx context.Context, js jetstream.JetStream, log *slog.Logger) (*Deduper, error) {
	kv, err := js.KeyValue(ctx, bus.DedupBucket)
	if err != nil {
		return nil, fmt.Errorf("dedup: %w", err)
	}
	return &Deduper{store: store{kv}, log: log.With("stage", "dedup"), now: time.Now}, nil
}

// Stage returns the dedup stage: classified items in, curated items out.
func (d *Deduper) Stage() stage.Stage {
	return stage.Stage{Name: "dedup", Stream: bus.ClassifiedStream, Subject: bus.CuratedSubject, Handler: d.Handle, Published: d.Published}
}

// Published clears the pending mark of items now on the curated stream.
func (d *Deduper) Published(ctx context.Context, outs []item.Item) error {
	for _, out := range outs {
		rec, rev, ok, err := d.store.get(ctx, idKey(out.ID))
		if err != nil {
			return err
		}
		if !ok || !rec.Pending {
			continue
		}
		rec.Pending = false
		if _, err := d.store.update(ctx, idKey(out.ID), rec, rev); err != nil {
			return conflict(err)
		}
	}
	return nil
}

// errConflict means another replica changed a record under our feet; the
// message is retried and then sees the other replica's result.
var errConflict = errors.New("dedup: concurrent update, retrying")

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
	// A new id: is it a copy of a story we already have?
	if it.GUID != "" {
		// A GUID is unique only within its feed: two sites may both have
		// an item "1042".
		owner, err := d.store.claim(ctx, guidKey(hash(it.Source+"\x00"+it.GUID)), it.ID)
		if err != nil {
			return nil, err
		}
		if owner != it.ID {
			return d.merge(ctx, it, owner)
		}
	}
	owner, err := d.store.claim(ctx, textKey(textHash), it.ID)
	if err != nil {
		return nil, err
	}
	if owner != it.ID {
		return d.merge(ctx, it, owner)
	}
	if _, err := d.store.create(ctx, idKey(it.ID), record{Item: &it, TextHash: textHash, Pending: true}); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return nil, errConflict
		}
		return nil, err
	}
	deduped.WithLabelValues("new").Inc()
	return []item.Item{it}, nil
}

// seenID handles an id already known: a redelivery, a repeat, or an update.
func (d *Deduper) seenID(ctx context.Context, it item.Item, textHash string, rec record, rev uint64) ([]item.Item, error) {
	switch {
	case rec.DuplicateOf != "":
		deduped.WithLabelValues("repeat").Inc()
		return nil, nil // a copy seen again: already merged
	case rec.TextHash == textHash && sameClassification(*rec.Item, it):
		if rec.Pending {
			// Claimed but perhaps never published (a crash in between):
			// publish again; the message id makes a second copy impossible.
			return []item.Item{*rec.Item}, nil
		}
		deduped.WithLabelValues("repeat").Inc()
		return nil, nil
	case rec.TextHash == textHash:
		// Same text, new classification (a replay after a taxonomy or
		// gazetteer change): republish the canonical item, reclassified.
		canon := *rec.Item
		canon.Themes, canon.Places, canon.Districts = it.Themes, it.Places, it.Districts
		if _, err := d.store.update(ctx, idKey(it.ID), record{Item: &canon, TextHash: textHash, Pending: true}, rev); err != nil {
			return nil, conflict(err)
		}
		deduped.WithLabelValues("reclassified").Inc()
		return []item.Item{canon}, nil
	}
	if rec.Item.Source != it.Source {
		// Another source links to the same page with its own words: a
		// copy, not an edit of the page.
		return d.addCopy(ctx, it, rec, rev)
	}
	// Same page, new text from its own source: an update.
	if _, err := d.store.claim(ctx, textKey(textHash), it.ID); err != nil {
		return nil, err
	}
	it.AlsoAt = rec.Item.AlsoAt
	it.Published = rec.Item.Published
	if !it.Updated.After(rec.Item.LastChange()) {
		it.Updated = d.now().UTC().Truncate(time.Second)
	}
	if _, err := d.store.update(ctx, idKey(it.ID), record{Item: &it, TextHash: textHash, Pending: true}, rev); err != nil {
		return nil, conflict(err)
	}
	deduped.WithLabelValues("update").Inc()
	return []item.Item{it}, nil
}

// merge records it as a copy of canonical and returns the canonical item
// with it listed in also_at.
func (d *Deduper) merge(ctx context.Context, it item.Item, canonicalID string) ([]item.Item, error) {
	rec, rev, ok, err := d.store.get(ctx, idKey(canonicalID))
	if err != nil {
		return nil, err
	}
	if ok && rec.DuplicateOf != "" {
		// The GUID's owner was itself merged into another item: that one
		// is canonical.
		canonicalID = rec.DuplicateOf
		if rec, rev, ok, err = d.store.get(ctx, idKey(canonicalID)); err != nil {
			return nil, err
		}
	}
	if !ok || rec.Item == nil {
		// The owner claimed the text but has not stored its record yet.
		return nil, errConflict
	}
	if rec.Item.ID == it.ID {
		return nil, nil
	}
	outs, err := d.addCopy(ctx, it, rec, rev)
	if err != nil {
		return nil, err
	}
	if _, err := d.store.create(ctx, idKey(it.ID), record{DuplicateOf: canonicalID, TextHash: it.TextHash()}); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return nil, err
	}
	return outs, nil
}

// addCopy lists it in the also_at of the canonical item in rec and returns
// the canonical item to republish; nothing when the copy is known already.
func (d *Deduper) addCopy(ctx context.Context, it item.Item, rec record, rev uint64) ([]item.Item, error) {
	canon := *rec.Item
	loc := item.Location{Source: it.Source, URL: it.URL}
	if slices.Contains(canon.AlsoAt, loc) || (canon.Source == it.Source && canon.URL == it.URL) {
		if rec.Pending {
			// Merged before a crash, perhaps never published: again.
			return []item.Item{canon}, nil
		}
		deduped.WithLabelValues("repeat").Inc()
		return nil, nil
	}
	canon.AlsoAt = append(slices.Clip(canon.AlsoAt), loc)
	rec.Item, rec.Pending = &canon, true
	if _, err := d.store.update(ctx, idKey(canon.ID), rec, rev); err != nil {
		return nil, conflict(err)
	}
	deduped.WithLabelValues("duplicate").Inc()
	d.log.Debug("duplicate merged", "item_id", it.ID, "source", it.Source, "duplicate_of", canon.ID)
	return []item.Item{canon}, nil
}

// sameClassification reports whether a and b have the same themes, places
// and districts.
func sameClassification(a, b item.Item) bool {
	return slices.Equal(a.ThemeIDs(), b.ThemeIDs()) && slices.Equal(a.Places, b.Places) && slices.Equal(a.Districts, b.Districts)
}

func conflict(err error) error {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence {
		return errConflict
	}
	return err
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}
