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
// benchmarks. Ids are interned to numbers. A bucket with one id, the usual
// case, is one map entry of 12 bytes; a fuller one is a list in lists.
type memIndex struct {
	mu      sync.Mutex
	ids     []string // by number
	num     map[string]uint32
	entries []entry         // by number
	buckets map[band]uint32 // an id's number, or inList | a list's index
	lists   [][]uint32      // buckets of more than one id, oldest first
	// minutes are the ids' publication times by number, in minutes since
	// the Unix epoch (0: unknown): findStory passes over candidates
	// published too far apart without reading them.
	minutes []uint32
	claims  map[string]string
	// last is the id interned last and its number: an item files some
	// thirty bands in a row, and a miss in a map of a million ids costs.
	last    string
	lastNum uint32
}

const inList = 1 << 31

func newMemIndex() *memIndex {
	return &memIndex{num: map[string]uint32{}, buckets: map[band]uint32{}, claims: map[string]string{}}
}

func (x *memIndex) file(_ context.Context, b band, id string) ([]string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	n := x.intern(id)
	v, ok := x.buckets[b]
	switch {
	case !ok:
		x.buckets[b] = n
		return nil, nil
	case v == n:
		return nil, nil
	case v&inList == 0:
		x.buckets[b] = inList | uint32(len(x.lists))
		x.lists = append(x.lists, []uint32{v, n})
		return x.names([]uint32{v}), nil
	}
	list := x.lists[v&^inList]
	if i := slices.Index(list, n); i >= 0 {
		return x.names(list[:i]), nil
	}
	before := x.names(list)
	if len(list) == bucketSize {
		list = slices.Delete(list, 0, 1)
	}
	x.lists[v&^inList] = append(list, n)
	return before, nil
}

// notePublished records when id was published (Unix seconds, 0: unknown,
// which forgets what an earlier version said); the caller locks.
func (x *memIndex) notePublished(id string, unix int64) {
	n, known := x.num[id]
	if unix <= 0 && (!known || int(n) >= len(x.minutes)) {
		return
	}
	n = x.intern(id)
	unix = max(unix, 0)
	if int(n) >= len(x.minutes) {
		x.minutes = append(x.minutes, make([]uint32, int(n)+1-len(x.minutes))...)
	}
	x.minutes[n] = uint32(min(unix/60, 1<<32-1))
}

// published returns when id was published, in Unix seconds rounded down
// to the minute (so less than 60 s early); 0: unknown.
func (x *memIndex) published(id string) int64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	if n, ok := x.num[id]; ok && int(n) < len(x.minutes) {
		return int64(x.minutes[n]) * 60
	}
	return 0
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

func (x *memIndex) storyEntry(ctx context.Context, id string) (entry, bool, error) {
	return x.entry(ctx, id)
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
	if e.print != nil && e.print.Story != nil {
		x.notePublished(id, e.print.Story.Published)
	}
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
	if id == x.last && len(x.ids) > 0 {
		return x.lastNum
	}
	n, ok := x.num[id]
	if !ok {
		n = uint32(len(x.ids))
		x.ids = append(x.ids, id)
		x.num[id] = n
	}
	x.last, x.lastNum = id, n
	return n
}

func (x *memIndex) names(nums []uint32) []string {
	out := make([]string, len(nums))
	for i, n := range nums {
		out[i] = x.ids[n]
	}
	return out
}
