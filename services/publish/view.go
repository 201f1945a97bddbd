package publish

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/bakenhub/baken/pkg/item"
)

// Feed keys: "all", "themes/<t>", "districts/<d>", "themes/<t>/districts/<d>".
const allKey = "all"

func themeKey(t string) string            { return "themes/" + t }
func districtKey(d string) string         { return "districts/" + d }
func themeDistrictKey(t, d string) string { return "themes/" + t + "/districts/" + d }

// feedKeys lists every feed an item belongs to.
func feedKeys(it *item.Item) []string {
	keys := []string{allKey}
	for _, d := range it.Districts {
		keys = append(keys, districtKey(d))
	}
	for _, t := range it.Themes {
		keys = append(keys, themeKey(t.ID))
		for _, d := range it.Districts {
			keys = append(keys, themeDistrictKey(t.ID, d))
		}
	}
	return keys
}

// View holds the latest version of every curated item and, per feed, the
// items that belong to it, newest first. It is rebuilt from the curated
// stream on start.
type View struct {
	mu    sync.RWMutex
	items map[string]*item.Item
	feeds map[string]*feedItems
}

type feedItems struct {
	items   []*item.Item // newest first
	version uint64       // bumped on every change, keys the render cache
	changed time.Time    // last change of any item in the feed
}

// NewView returns an empty view.
func NewView() *View {
	return &View{items: map[string]*item.Item{}, feeds: map[string]*feedItems{}}
}

// Put adds an item or replaces the previous version with the same id,
// moving it between feeds if its themes or districts changed.
func (v *View) Put(it item.Item) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if old, ok := v.items[it.ID]; ok {
		for _, k := range feedKeys(old) {
			f := v.feeds[k]
			f.items = slices.DeleteFunc(f.items, func(x *item.Item) bool { return x.ID == it.ID })
			f.version++
		}
	}
	p := &it
	v.items[it.ID] = p
	for _, k := range feedKeys(p) {
		f := v.feeds[k]
		if f == nil {
			f = &feedItems{}
			v.feeds[k] = f
		}
		i, _ := slices.BinarySearchFunc(f.items, p, newestFirst)
		f.items = slices.Insert(f.items, i, p)
		f.version++
		f.changed = latest(f.changed, p.LastChange())
	}
}

func newestFirst(a, b *item.Item) int {
	if c := b.Published.Compare(a.Published); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Snapshot is a consistent copy of one feed's newest items.
type Snapshot struct {
	Items   []item.Item
	Version uint64
	Changed time.Time
	Total   int
}

// Feed returns up to n newest items of the feed with the given key.
func (v *View) Feed(key string, n int) Snapshot {
	v.mu.RLock()
	defer v.mu.RUnlock()
	f := v.feeds[key]
	if f == nil {
		return Snapshot{}
	}
	s := Snapshot{Version: f.version, Changed: f.changed, Total: len(f.items)}
	for _, p := range f.items[:min(n, len(f.items))] {
		s.Items = append(s.Items, *p)
	}
	return s
}

// Keys lists the feeds that have items.
func (v *View) Keys() []string {
	v.mu.RLock()
	defer v.mu.RUnlock()
	var keys []string
	for k, f := range v.feeds {
		if len(f.items) > 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// Len is the number of distinct items.
func (v *View) Len() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.items)
}
