package dedup

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/nats-io/nats.go/jetstream"
)

// cachedKV is the dedup bucket with a cache of the records find reads
// again and again: a record's print and state decoded once per revision.
// Decoding a whole record (text and print) for every candidate of every
// band was most of the stage's CPU time. A revision never changes, so a
// cached entry is never stale: Get still reads the current revision.
type cachedKV struct {
	jetstream.KeyValue
	mu      sync.Mutex
	entries map[string]cachedEntry
}

type cachedEntry struct {
	rev uint64
	e   entry
}

// entryCacheSize bounds the cache; it starts over when full.
const entryCacheSize = 8192

func newCachedKV(kv jetstream.KeyValue) *cachedKV {
	return &cachedKV{KeyValue: kv, entries: make(map[string]cachedEntry, entryCacheSize)}
}

func (c *cachedKV) lookup(key string, rev uint64) (entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ce, ok := c.entries[key]
	return ce.e, ok && ce.rev == rev
}

func (c *cachedKV) keep(key string, rev uint64, e entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= entryCacheSize {
		clear(c.entries)
	}
	c.entries[key] = cachedEntry{rev: rev, e: e}
}

// readEntry reads the entry of id: its record or, filed but without a
// record, its file record (deciding; or gone: expired).
func (s store) readEntry(ctx context.Context, id string) (entry, bool, error) {
	e, ok, err := s.readKey(ctx, idKey(id))
	if err != nil || ok {
		return e, ok, err
	}
	return s.readKey(ctx, fileKey(id))
}

// readKey reads the entry of one record: from the cache when the bucket
// has one and the revision is the one cached.
func (s store) readKey(ctx context.Context, key string) (entry, bool, error) {
	kve, err := s.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return entry{}, false, nil
	}
	if err != nil {
		return entry{}, false, fmt.Errorf("dedup get %s: %w", key, err)
	}
	c, caching := s.kv.(*cachedKV)
	if caching {
		if e, ok := c.lookup(key, kve.Revision()); ok {
			return e, true, nil
		}
	}
	rec, err := decodeRecord(kve.Value(), false)
	if err != nil {
		return entry{}, false, fmt.Errorf("dedup decode %s: %w", key, err)
	}
	e := entry{print: rec.Print, duplicateOf: rec.DuplicateOf, deciding: rec.Deciding, story: rec.Story}
	if caching {
		c.keep(key, kve.Revision(), e)
	}
	return e, true, nil
}
