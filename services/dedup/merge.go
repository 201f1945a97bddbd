package dedup

import (
	"context"
	"log/slog"
	"slices"

	"github.com/bakenhub/baken/pkg/item"
)

// merge lists it in the also_at of the canonical item of m and returns
// that item; the caller records it as a copy.
func (d *Deduper) merge(ctx context.Context, it item.Item, m match) ([]item.Item, error) {
	canonicalID := m.canonical
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
	if !ok || rec.Item == nil || rec.Deciding {
		// The owner claimed the text but has not stored its record yet,
		// or does not know yet whether it is a copy itself.
		return nil, errConflict
	}
	if rec.Item.ID == it.ID {
		return nil, nil
	}
	outs, err := d.addCopy(ctx, it, rec, rev, m.near)
	if err == nil && len(outs) > 0 {
		level := slog.LevelDebug
		if m.near {
			level = slog.LevelInfo // worth a look while the thresholds are young
		}
		d.log.Log(ctx, level, "duplicate merged", "item_id", it.ID, "source", it.Source, "url", it.URL,
			"duplicate_of", canonicalID, "similarity", m.similarity, "near", m.near)
	}
	return outs, err
}

// addCopy lists it in the also_at of the canonical item in rec and returns
// the canonical item to republish; nothing when the copy is known already.
func (d *Deduper) addCopy(ctx context.Context, it item.Item, rec record, rev uint64, near bool) ([]item.Item, error) {
	canon := *rec.Item
	loc := item.Location{Source: it.Source, URL: it.URL}
	if slices.Contains(canon.AlsoAt, loc) || (canon.Source == it.Source && canon.URL == it.URL) {
		if rec.Pending {
			// Merged before a crash, perhaps never published: again.
			return []item.Item{canon}, nil
		}
		d.outcomes.WithLabelValues("repeat").Inc()
		return nil, nil
	}
	canon.AlsoAt = append(slices.Clip(canon.AlsoAt), loc)
	rec.Item, rec.Pending = &canon, true
	if _, err := d.store.update(ctx, idKey(canon.ID), rec, rev); err != nil {
		return nil, conflict(err)
	}
	outcome := "duplicate"
	if near {
		outcome = "near_duplicate"
	}
	d.outcomes.WithLabelValues(outcome).Inc()
	return []item.Item{canon}, nil
}
