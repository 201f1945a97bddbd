package dedup

import (
	"context"
	"slices"
	"sync"
)

// bucketSize bounds a bucket of the index. A band shared by many unrelated
// texts (boilerplate) keeps its latest ids only: lookups stay bounded, and
// copies, which arrive within days of their story, are still found.
const bucketSize = 16

// memIndex is the index in memory, for baken dedup, the eval and the
// benchmarks. Ids are interned to numbers; a bucket with one id, the usual
// case, costs one map entry of 12 bytes.
type memIndex struct {
	mu      sync.Mutex
	ids     []string // by number
	num     map[string]uint32
	entries []entry // by number
	one     map[band]uint32
	more    map[band][]uint32 // buckets with more than one id, oldest first
	claims  map[string]string
}

func newMemIndex() *memIndex {
	return &memIndex{num: map[string]uint32{}, one: map[band]uint32{}, more: map[band][]uint32{}, claims: map[string]string{}}
}

func (x *memIndex) file(_ context.Context, b band, id string) ([]string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	n := x.intern(id)
	bucket, ok := x.more[b]
	if !ok {
		first, ok := x.one[b]
		if !ok {
			x.one[b] = n
			return nil, nil
		}
		bucket = []uint32{first}
	}
	if i := slices.Index(bucket, n); i >= 0 {
		return x.names(bucket[:i]), nil
	}
	before := x.names(bucket)
	if len(bucket) == bucketSize {
		bucket = slices.Delete(bucket, 0, 1)
	}
	x.more[b] = append(bucket, n)
	delete(x.one, b)
	return before, nil
}

func (x *memIndex) entry(_ context.Context, id string) (entry, bool, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	n, ok := x.num[id]
	if !ok || int(n) >= len(x.entries) || x.entries[n].print == nil {
		return entry{}, false, nil
	}
	return x.entries[n], true, nil
}

// put stores what is known of id.
func (x *memIndex) put(id string, e entry) {
	x.mu.Lock()
	defer x.mu.Unlock()
	n := x.intern(id)
	if e.print != nil && e.print.bands != nil {
		p := *e.print
		p.bands = nil // filed already; not needed again
		e.print = &p
	}
	x.entries = append(x.entries, make([]entry, max(int(n)+1-len(x.entries), 0))...)
	x.entries[n] = e
}

func (x *memIndex) claim(_ context.Context, key, owner string) (string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if o, ok := x.claims[key]; ok {
		return o, nil
	}
	x.claims[key] = owner
	return owner, nil
}

func (x *memIndex) intern(id string) uint32 {
	n, ok := x.num[id]
	if !ok {
		n = uint32(len(x.ids))
		x.ids = append(x.ids, id)
		x.num[id] = n
	}
	return n
}

func (x *memIndex) names(nums []uint32) []string {
	out := make([]string, len(nums))
	for i, n := range nums {
		out[i] = x.ids[n]
	}
	return out
}
