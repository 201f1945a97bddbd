package dedup

import (
	"context"
	"slices"
	"time"

	"github.com/bakenhub/baken/pkg/item"
)

// seenID handles an id already known: a redelivery, a repeat, or an update.
func (d *Deduper) seenID(ctx context.Context, it item.Item, textHash string, rec record, rev uint64) ([]item.Item, error) {
	if rec.Deciding {
		if rec.Item.Source != it.Source {
			return nil, errConflict // a copy of an item still deciding: wait for it
		}
		// A record deciding, stored by an earlier version, redelivered
		// (a crash, or a slow replica): decide again, on the latest
		// version. Its bands were filed at its revision.
		fp := NewFingerprint(it)
		rec.Item, rec.TextHash, rec.Print, rec.Bands = &it, textHash, fp, fp.bands
		return d.decide(ctx, fp, rec, rev, rev)
	}
	switch {
	case rec.DuplicateOf != "":
		d.outcomes.WithLabelValues("repeat").Inc()
		return nil, nil // a copy seen again: already merged
	case rec.TextHash == textHash && sameClassification(*rec.Item, it):
		if rec.Pending {
			// Claimed but perhaps never published (a crash in between):
			// publish again; the message id makes a second copy impossible.
			return []item.Item{*rec.Item}, nil
		}
		d.outcomes.WithLabelValues("repeat").Inc()
		return nil, nil
	case rec.TextHash == textHash:
		// Same text, new classification (a replay after a taxonomy or
		// gazetteer change): republish the canonical item, reclassified.
		canon := *rec.Item
		canon.Themes, canon.Places, canon.Districts = it.Themes, it.Places, it.Districts
		rec.Item, rec.Pending = &canon, true
		if _, err := d.store.update(ctx, idKey(it.ID), rec, rev); err != nil {
			return nil, conflict(err)
		}
		d.outcomes.WithLabelValues("reclassified").Inc()
		return []item.Item{canon}, nil
	}
	if rec.Item.Source != it.Source {
		// Another source links to the same page with its own words: a
		// copy, not an edit of the page.
		return d.addCopy(ctx, it, rec, rev, false)
	}
	// Same page, new text from its own source: an update. Its record
	// carries the new bands, which the watch files, so that copies of the
	// new text find it.
	if _, err := d.store.claim(ctx, textKey(textHash), it.ID); err != nil {
		return nil, err
	}
	fp := NewFingerprint(it)
	it.AlsoAt = rec.Item.AlsoAt
	it.Published = rec.Item.Published
	it.Story = rec.Story
	if !it.Updated.After(rec.Item.LastChange()) {
		it.Updated = d.now().UTC().Truncate(time.Second)
	}
	if _, err := d.store.update(ctx, idKey(it.ID), record{Item: &it, TextHash: textHash, Pending: true, Print: fp, Bands: fp.bands, Story: rec.Story}, rev); err != nil {
		return nil, conflict(err)
	}
	d.outcomes.WithLabelValues("update").Inc()
	return []item.Item{it}, nil
}

// sameClassification reports whether a and b have the same themes, places
// and districts.
func sameClassification(a, b item.Item) bool {
	return slices.Equal(a.ThemeIDs(), b.ThemeIDs()) && slices.Equal(a.Places, b.Places) && slices.Equal(a.Districts, b.Districts)
}
