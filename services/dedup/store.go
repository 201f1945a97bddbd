package dedup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/item"
)

// record is what dedup keeps per item id in the KV bucket.
type record struct {
	// DuplicateOf is set for copies: the id of the canonical item.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Item is the canonical item as last published (nil for copies).
	Item *item.Item `json:"item,omitempty"`
	// TextHash of the version last seen under this id.
	TextHash string `json:"text_hash"`
	// Pending is set between claiming an item and publishing it, so a
	// crash in between republishes on redelivery instead of losing it.
	Pending bool `json:"pending,omitempty"`
	// Print is the near-duplicate fingerprint of the version last seen.
	Print *Fingerprint `json:"print,omitempty"`
	// Bands are the near-duplicate bands of the version last seen: the
	// watch files them in the in-memory index (watchindex.go).
	Bands []band `json:"bands,omitempty"`
	// Deciding is set while the item files its bands and looks for the
	// story it may be a copy of; a replica that finds it then waits.
	Deciding bool `json:"deciding,omitempty"`
	// Story is the id of the story a new item joined (the first report's);
	// empty when it starts its own.
	Story string `json:"story,omitempty"`
	// Similarity of a copy to its canonical item: 1 for an exact copy.
	Similarity float64 `json:"similarity,omitempty"`
}

// store wraps the dedup KV bucket. Keys: "id.<item id>" -> record,
// "text.<text hash>" and "guid.<hash>" -> the id that claimed them,
// "band.<i>.<hash>" -> the ids filed under a band (kvindex.go).
type store struct{ kv jetstream.KeyValue }

func idKey(id string) string     { return "id." + id }
func textKey(hash string) string { return "text." + hash }
func guidKey(hash string) string { return "guid." + hash }

// get returns the record under key and its revision; ok is false when absent.
func (s store) get(ctx context.Context, key string) (rec record, rev uint64, ok bool, err error) {
	e, err := s.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return record{}, 0, false, nil
	}
	if err != nil {
		return record{}, 0, false, fmt.Errorf("dedup get %s: %w", key, err)
	}
	if err := json.Unmarshal(e.Value(), &rec); err != nil {
		return record{}, 0, false, fmt.Errorf("dedup decode %s: %w", key, err)
	}
	return rec, e.Revision(), true, nil
}

// claim atomically stores owner under key unless the key exists; it returns
// the current owner either way.
func (s store) claim(ctx context.Context, key, owner string) (string, error) {
	_, err := s.kv.Create(ctx, key, []byte(owner))
	if err == nil {
		return owner, nil
	}
	if !errors.Is(err, jetstream.ErrKeyExists) {
		return "", fmt.Errorf("dedup claim %s: %w", key, err)
	}
	e, err := s.kv.Get(ctx, key)
	if err != nil {
		return "", fmt.Errorf("dedup claim %s: %w", key, err)
	}
	return string(e.Value()), nil
}

// create stores rec under a new key; ErrKeyExists if someone was first.
func (s store) create(ctx context.Context, key string, rec record) (uint64, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return 0, err
	}
	return s.kv.Create(ctx, key, data)
}

// update replaces rec if key is still at rev (compare-and-set).
func (s store) update(ctx context.Context, key string, rec record, rev uint64) (uint64, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return 0, err
	}
	return s.kv.Update(ctx, key, data, rev)
}
