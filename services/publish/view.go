package publish

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/bakenhub/baken/pkg/curation"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/services/publish/ledger"
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

// View holds, per feed, a window of its newest items (twice feed_size, so
// that items leaving a feed rarely leave it short), and the items those
// windows hold: what feeds need, not every item ever curated. An item's
// latest version lives on the curated stream (one subject per item, one
// message per subject); the view reads an item it does not hold from there
// through load, and a window that lost so many items that it holds fewer
// than feed_size while older ones exist is marked short, for the publisher
// to refill from the stream (Short). It is rebuilt from the stream on start.
type View struct {
	mu     sync.RWMutex
	window int    // items kept per feed
	load   Loader // reads an item's latest version; nil: none
	held   map[string]*held
	feeds  map[string]*feedItems
	// Editors' overrides: from the API (edits) and the rules file (rules).
	// An item's edits, when it has any, replace its rules.
	edits map[string]curation.State
	// editRev is the bucket revision of each item's edits last applied: the
	// API applies its own write at once and the watch brings it again, so
	// an older state arriving late must not undo a newer one.
	editRev map[string]uint64
	rules   curation.Rules
	short   bool // some window needs a refill
	// reports are, per story (its first report's id), its other reports:
	// feeds show a story once, under its first report, which lists them.
	reports map[string]map[string]item.Location
	// ledger records every item shown, not only those in windows: custom
	// feeds, archives and the item list select from it.
	ledger *ledger.Ledger
}

// Loader reads the latest version of an item from where it is stored; ok is
// false when there is none.
type Loader func(id string) (it item.Item, ok bool, err error)

// held is an item the view keeps: in some feed's window, or overridden.
type held struct {
	raw   item.Item  // as curated, before overrides
	shown *item.Item // as shown, after overrides; nil if hidden
	keys  []string   // feeds whose window holds shown
}

type feedItems struct {
	items   []*item.Item // newest first, at most window
	version uint64       // bumped on every change, keys the render cache
	changed time.Time    // last change of any item in the feed
	touched time.Time    // when the feed last changed here: Last-Modified
	// evicted is set once an item fell off the end of the window: from
	// then on the window is the newest items only down to its last one.
	evicted bool
}

// NewView returns an empty view keeping window items per feed (0: every
// item), reading items it does not hold with load.
func NewView(window int, load Loader) *View {
	return &View{window: window, load: load, held: map[string]*held{}, feeds: map[string]*feedItems{}, edits: map[string]curation.State{}, editRev: map[string]uint64{},
		reports: map[string]map[string]item.Location{}, ledger: ledger.New()}
}

// Put adds an item or replaces the previous version with the same id,
// moving it between feeds if its themes or districts changed.
func (v *View) Put(it item.Item) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.put(it)
}

// PutPlaced is Put for an item known by its placement (item.Placement):
// the whole item is read (whole) only when the view holds it then: on a
// replay of the curated stream, one item in eleven of the bench's 90,000.
// No feed shows the placement alone: both happen under one lock.
func (v *View) PutPlaced(placement item.Item, whole func() (item.Item, error)) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.put(placement)
	if _, ok := v.held[placement.ID]; !ok {
		return nil
	}
	it, err := whole()
	if err != nil {
		return err // shown as placed, without its text, until its next version
	}
	v.put(it)
	return nil
}

func (v *View) put(it item.Item) {
	if old, ok := v.held[it.ID]; ok {
		// Two dedup replicas may deliver the versions of one story in
		// either order: the newer text wins, and also_at only grows.
		other := old.raw
		if it.LastChange().Before(old.raw.LastChange()) {
			it, other = old.raw, it
		}
		for _, l := range other.AlsoAt {
			if !slices.Contains(it.AlsoAt, l) {
				it.AlsoAt = append(slices.Clip(it.AlsoAt), l)
			}
		}
	}
	v.hold(it)
	v.noteReport(it)
	v.place(it.ID)
}

func (v *View) hold(it item.Item) {
	if h, ok := v.held[it.ID]; ok {
		h.raw = it
		return
	}
	v.held[it.ID] = &held{raw: it}
}

// SetOverride records an item's state at revision rev of the overrides
// bucket and re-places the item; a state older than the one applied is
// ignored.
func (v *View) SetOverride(id string, st curation.State, rev uint64) {
	raw, ok := v.fetch(id)
	v.mu.Lock()
	defer v.mu.Unlock()
	if rev < v.editRev[id] {
		return
	}
	v.editRev[id] = rev
	if st.Empty() {
		delete(v.edits, id)
	} else {
		v.edits[id] = st
	}
	if ok {
		if _, held := v.held[id]; !held {
			v.hold(raw)
		}
	}
	v.place(id)
}

// fetch returns an item the view does not hold from the loader.
func (v *View) fetch(id string) (item.Item, bool) {
	v.mu.RLock()
	h, ok := v.held[id]
	v.mu.RUnlock()
	if ok {
		return h.raw, true
	}
	if v.load == nil {
		return item.Item{}, false
	}
	it, ok, err := v.load(id)
	if err != nil || !ok {
		return item.Item{}, false
	}
	return untrusted(it), true
}

// SetRules replaces the rules file's overrides and re-places every item they
// touched before or touch now.
func (v *View) SetRules(r curation.Rules) {
	loaded := map[string]item.Item{}
	for id := range r {
		if it, ok := v.fetch(id); ok {
			loaded[id] = it
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	old := v.rules
	v.rules = r
	for id, it := range loaded {
		if _, ok := v.held[id]; !ok {
			v.hold(it)
		}
	}
	for id := range old {
		v.place(id)
	}
	for id := range r {
		v.place(id)
	}
}

// Override returns the overrides in force for an item.
func (v *View) Override(id string) curation.State {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.override(id)
}

func (v *View) override(id string) curation.State {
	if st, ok := v.edits[id]; ok {
		return st
	}
	return v.rules[id]
}

// placeOne takes an item out of the windows it is in and puts it in those
// its current version and overrides say, where it is among the newest:
// a report of a story whose first report is shown goes only where that
// one is not, and a first report lists its story's other reports. The
// caller holds mu.
func (v *View) placeOne(id string) {
	h, ok := v.held[id]
	if !ok {
		return
	}
	now := time.Now()
	for _, k := range h.keys {
		f := v.feeds[k]
		f.items = slices.DeleteFunc(f.items, func(x *item.Item) bool { return x.ID == id })
		f.version++
		f.touched = now
		if f.evicted && len(f.items) < v.window/2 {
			v.short = true
		}
	}
	was, old := slices.Clone(h.keys), h.shown
	h.keys, h.shown = h.keys[:0], nil
	it, visible := v.override(id).Apply(h.raw)
	if !visible {
		v.ledger.Remove(id)
	} else {
		v.ledger.Put(&it)
		it.ReportedBy = v.reportedBy(id)
		skip := v.firstReportFeeds(h.raw)
		p := &it
		h.shown = p
		// A version dated no earlier than the one shown goes where that
		// one was, at the end of a window too.
		back := old != nil && !p.Published.Before(old.Published)
		for _, k := range feedKeys(p) {
			if slices.Contains(skip, k) {
				continue
			}
			if v.insert(k, p, now, back && slices.Contains(was, k)) {
				h.keys = append(h.keys, k)
			}
		}
	}
	v.release(id)
}

// insert puts p into the window of feed k if it is among its newest, and
// drops the window's last item when it is full; it reports whether p is in.
// An item that was in the window (wasIn: a new version of it, placed again,
// dated no earlier) may go back at its end: nothing the window let go
// comes between.
func (v *View) insert(k string, p *item.Item, now time.Time, wasIn bool) bool {
	f := v.feeds[k]
	if f == nil {
		f = &feedItems{}
		v.feeds[k] = f
	}
	i, _ := slices.BinarySearchFunc(f.items, p, newestFirst)
	if f.evicted && i == len(f.items) && !wasIn {
		return false // older than the window: items between are not held
	}
	f.items = slices.Insert(f.items, i, p)
	f.version++
	f.changed = latest(f.changed, p.LastChange())
	f.touched = now
	if v.window > 0 && len(f.items) > v.window {
		last := f.items[len(f.items)-1]
		f.items = f.items[:len(f.items)-1]
		f.evicted = true
		if h := v.held[last.ID]; h != nil {
			h.keys = slices.DeleteFunc(h.keys, func(x string) bool { return x == k })
			if last.ID != p.ID {
				v.release(last.ID)
			}
		}
		return last.ID != p.ID
	}
	return true
}

// release forgets an item no window holds and no override names.
func (v *View) release(id string) {
	h, ok := v.held[id]
	if !ok || len(h.keys) > 0 {
		return
	}
	if _, ok := v.edits[id]; ok {
		return
	}
	if _, ok := v.rules[id]; ok {
		return
	}
	delete(v.held, id)
}

// Short reports whether some window lost items it cannot replace without
// reading the stream again, and clears the mark.
func (v *View) Short() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	s := v.short
	v.short = false
	return s
}

// Item returns an item as shown (after overrides), whether it is shown at
// all, and whether it exists; an item no feed holds is read with load.
func (v *View) Item(id string) (it item.Item, shown, ok bool) {
	v.mu.RLock()
	h, held := v.held[id]
	var st curation.State
	if held {
		if h.shown != nil {
			defer v.mu.RUnlock()
			return *h.shown, true, true
		}
		it = h.raw
	}
	st = v.override(id)
	v.mu.RUnlock()
	if !held {
		if it, ok = v.fetch(id); !ok {
			return item.Item{}, false, false
		}
	}
	shownIt, visible := st.Apply(it)
	if !visible {
		return it, false, true
	}
	return shownIt, true, true
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
	Changed time.Time // newest item change: the feed's updated date
	Touched time.Time // when the feed's contents last changed
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
	s := Snapshot{Version: f.version, Changed: f.changed, Touched: f.touched, Total: len(f.items)}
	for _, p := range f.items[:min(n, len(f.items))] {
		s.Items = append(s.Items, *p)
	}
	return s
}

// Version is the version of the feed with the given key: it changes with
// every change of the feed's items.
func (v *View) Version(key string) uint64 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if f := v.feeds[key]; f != nil {
		return f.version
	}
	return 0
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

// Ledger is the record of every item shown.
func (v *View) Ledger() *ledger.Ledger { return v.ledger }

// Held is the number of items the view keeps in memory.
func (v *View) Held() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.held)
}
