package dedup

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// The near-duplicate index in the dedup KV bucket: "band.<i>.<hash>" holds
// the ids filed under a band, one a line, oldest first, at most bucketSize;
// the entry of an id is its record ("id.<id>"). Band keys age out with the
// bucket's TTL (dedup.retention) like every other key; an id whose record
// has expired is passed over.

// file appends id to the bucket of b with a compare-and-set (KV Create for
// a new bucket, Update at the revision read otherwise), so that of two
// replicas filing at once, the later one reads the earlier one's id.
func (s store) file(ctx context.Context, b band, id string) ([]string, error) {
	key := b.key()
	for {
		e, err := s.kv.Get(ctx, key)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			_, err = s.kv.Create(ctx, key, []byte(id))
			if errors.Is(err, jetstream.ErrKeyExists) {
				continue // another replica was first: read its id
			}
			if err != nil {
				return nil, fmt.Errorf("dedup file %s: %w", key, err)
			}
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("dedup file %s: %w", key, err)
		}
		ids := decodeBucket(e.Value())
		if i := slices.Index(ids, id); i >= 0 {
			return ids[:i], nil
		}
		next := append(slices.Clone(ids[max(len(ids)-bucketSize+1, 0):]), id)
		_, err = s.kv.Update(ctx, key, encodeBucket(next), e.Revision())
		if err == nil {
			return ids, nil
		}
		if !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return nil, fmt.Errorf("dedup file %s: %w", key, err)
		}
		// Someone filed in between: read again.
	}
}

// entry reads what the record of id says for near-duplicate detection.
func (s store) entry(ctx context.Context, id string) (entry, bool, error) {
	return s.readEntry(ctx, id)
}

// decodeBucket splits a bucket's value into its ids, skipping empty lines.
func decodeBucket(v []byte) []string {
	var ids []string
	for line := range strings.SplitSeq(string(v), "\n") {
		if line != "" {
			ids = append(ids, line)
		}
	}
	return ids
}

func encodeBucket(ids []string) []byte { return []byte(strings.Join(ids, "\n")) }
