package dedup

import (
	"context"
	"errors"
	"fmt"
	"sync"

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

// store wraps the dedup KV bucket. Keys: "id.<item id>" -> record (in
// the binary form of codec.go), "file.<item id>" -> the bands of a new
// item and its print, written once when it starts deciding (a record
// marked deciding, without its item), "text.<text hash>", "guid.<hash>" and
// "article.<hash>" -> the id that claimed them. The near-duplicate and
// story index is built from the records in memory (watchindex.go).
type store struct {
	kv jetstream.KeyValue
	// pending holds the records this process wrote pending, at the
	// revision written, for Published to clear without reading them back
	// from the bucket; nil: none kept.
	pending *pendingRecords
}

func idKey(id string) string     { return "id." + id }
func fileKey(id string) string   { return "file." + id }
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
	if rec, err = decodeRecord(e.Value(), true); err != nil {
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

// fileBands stores the bands of a new item deciding under its file key,
// once: the key is never written again, so its revision is where the
// watch files the bands, for every replica (watchindex.go). An item
// redelivered while deciding finds its key and gets its revision.
func (s store) fileBands(ctx context.Context, id string, rec record) (uint64, error) {
	rec.Deciding = true
	data, err := encodeRecord(rec)
	if err != nil {
		return 0, err
	}
	key := fileKey(id)
	rev, err := s.kv.Create(ctx, key, data)
	if errors.Is(err, jetstream.ErrKeyExists) {
		var e jetstream.KeyValueEntry
		if e, err = s.kv.Get(ctx, key); err == nil {
			return e.Revision(), nil
		}
	}
	if err != nil {
		return 0, fmt.Errorf("dedup file %s: %w", id, err)
	}
	return rev, nil
}

// deciding reports whether id has filed its bands but not yet stored its
// record: it is deciding whether it is a copy.
func (s store) deciding(ctx context.Context, id string) (bool, error) {
	_, err := s.kv.Get(ctx, fileKey(id))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("dedup get %s: %w", fileKey(id), err)
	}
	return true, nil
}

// create stores rec under a new key; ErrKeyExists if someone was first.
func (s store) create(ctx context.Context, key string, rec record) (uint64, error) {
	data, err := encodeRecord(rec)
	if err != nil {
		return 0, err
	}
	rev, err := s.kv.Create(ctx, key, data)
	if err == nil {
		s.pending.wrote(key, rec, rev)
	}
	return rev, err
}

// update replaces rec if key is still at rev (compare-and-set).
func (s store) update(ctx context.Context, key string, rec record, rev uint64) (uint64, error) {
	data, err := encodeRecord(rec)
	if err != nil {
		return 0, err
	}
	rev, err = s.kv.Update(ctx, key, data, rev)
	if err == nil {
		s.pending.wrote(key, rec, rev)
	}
	return rev, err
}

// put stores rec under key over revision rev, or as a new key when rev
// is 0 (ErrKeyExists when someone was first).
func (s store) put(ctx context.Context, key string, rec record, rev uint64) (uint64, error) {
	if rev == 0 {
		return s.create(ctx, key, rec)
	}
	return s.update(ctx, key, rec, rev)
}

// decided keeps rec, decided but still pending, as the record to write
// over revision rev of key once the item is published.
func (s store) decided(key string, rec record, rev uint64) {
	s.pending.wrote(key, rec, rev)
}

// written returns the record under key as this process last wrote or
// decided it, pending, and its revision; ok is false when it keeps none:
// read it.
func (s store) written(key string) (rec record, rev uint64, ok bool) {
	return s.pending.take(key)
}

// pendingRecords are records written pending, by key. Published reads
// each back right after it was written, and that read was most of the
// bucket's reads: the record is often in a block the server no longer
// caches, which it then loads whole. The records are kept until taken, at
// most pendingSize of them.
type pendingRecords struct {
	mu   sync.Mutex
	recs map[string]pendingRecord
}

type pendingRecord struct {
	rec record
	rev uint64
}

// pendingSize bounds the records kept: a stage holds as many in flight
// as its concurrency, and one kept too long is read again, no worse.
const pendingSize = 4096

func newPendingRecords() *pendingRecords {
	return &pendingRecords{recs: make(map[string]pendingRecord)}
}

func (p *pendingRecords) wrote(key string, rec record, rev uint64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !rec.Pending {
		delete(p.recs, key)
		return
	}
	if len(p.recs) >= pendingSize {
		clear(p.recs)
	}
	p.recs[key] = pendingRecord{rec: rec, rev: rev}
}

func (p *pendingRecords) take(key string) (record, uint64, bool) {
	if p == nil {
		return record{}, 0, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	pr, ok := p.recs[key]
	delete(p.recs, key)
	return pr.rec, pr.rev, ok
}
