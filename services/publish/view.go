package publish

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/bakenhub/baken/pkg/curation"
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
	items map[string]*item.Item // as curated, before overrides
	shown map[string]*item.Item // as shown, after overrides; absent if hidden
	feeds map[string]*feedItems
	// Editors' overrides: from the API (edits) and the rules file (rules).
	// An item's edits, when it has any, replace its rules.
	edits map[string]curation.State
	rules curation.Rules
	// reports are, per story (its first report's id), the ids of its other
	// reports: feeds show the story once, under its first report.
	reports map[string]map[string]bool
}

type feedItems struct {
	items   []*item.Item // newest first
	version uint64       // bumped on every change, keys the render cache
	changed time.Time    // last change of any item in the feed
	touched time.Time    // when the feed last changed here: Last-Modified
}

// NewView returns an empty view.
func NewView() *View {
	return &View{items: map[string]*item.Item{}, shown: map[string]*item.Item{}, feeds: map[string]*feedItems{}, edits: map[string]curation.State{}, reports: map[string]map[string]bool{}}
}

// Put adds an item or replaces the previous version with the same id,
// moving it between feeds if its themes or districts changed.
func (v *View) Put(it item.Item) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if old, ok := v.items[it.ID]; ok {
		// Two dedup replicas may deliver the versions of one story in
		// either order: the newer text wins, and also_at only grows.
		other := *old
		if it.LastChange().Before(old.LastChange()) {
			it, other = *old, it
		}
		for _, l := range other.AlsoAt {
			if !slices.Contains(it.AlsoAt, l) {
				it.AlsoAt = append(slices.Clip(it.AlsoAt), l)
			}
		}
	}
	v.items[it.ID] = &it
	v.place(it.ID)
}

// SetOverride records an item's state from the API and re-places the item.
func (v *View) SetOverride(id string, st curation.State) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if st.Empty() {
		delete(v.edits, id)
	} else {
		v.edits[id] = st
	}
	v.place(id)
}

// SetRules replaces the rules file's overrides and re-places every item they
// touched before or touch now.
func (v *View) SetRules(r curation.Rules) {
	v.mu.Lock()
	defer v.mu.Unlock()
	old := v.rules
	v.rules = r
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

// place re-places an item, and with it the story it is a report of (whose
// list of reports changed) or its story's other reports (which are shown
// only in the feeds their first report is not in). The caller holds mu.
func (v *View) place(id string) {
	v.placeOne(id)
	if raw, ok := v.items[id]; ok && raw.Story != "" {
		if _, ok := v.items[raw.Story]; ok {
			v.placeOne(raw.Story)
		}
	}
	for _, r := range sortedKeys(v.reports[id]) {
		v.placeOne(r)
	}
}

// placeOne takes an item out of the feeds it is shown in and puts it in the
// feeds its current version and overrides say. The caller holds mu.
func (v *View) placeOne(id string) {
	if old, ok := v.shown[id]; ok {
		for _, k := range feedKeys(old) {
			f := v.feeds[k]
			if f == nil {
				continue
			}
			f.items = slices.DeleteFunc(f.items, func(x *item.Item) bool { return x.ID == id })
			f.version++
			f.touched = time.Now()
		}
		delete(v.shown, id)
	}
	raw, ok := v.items[id]
	if !ok {
		return
	}
	var first *item.Item // shown first report of the story raw is a report of
	if raw.Story != "" && raw.Story != id {
		if _, ok := v.items[raw.Story]; ok {
			if v.reports[raw.Story] == nil {
				v.reports[raw.Story] = map[string]bool{}
			}
			v.reports[raw.Story][id] = true
			first = v.shown[raw.Story]
		}
	}
	it, visible := v.override(id).Apply(*raw)
	if !visible {
		return
	}
	it.ReportedBy = nil
	for _, r := range sortedKeys(v.reports[id]) {
		if rep, ok := v.shown[r]; ok {
			it.ReportedBy = append(it.ReportedBy, item.Location{Source: rep.Source, URL: rep.URL, Title: rep.Title})
		}
	}
	p := &it
	v.shown[id] = p
	for _, k := range feedKeys(p) {
		if first != nil && slices.Contains(feedKeys(first), k) {
			continue // shown once, under its first report
		}
		f := v.feeds[k]
		if f == nil {
			f = &feedItems{}
			v.feeds[k] = f
		}
		i, _ := slices.BinarySearchFunc(f.items, p, newestFirst)
		f.items = slices.Insert(f.items, i, p)
		f.version++
		f.changed = latest(f.changed, p.LastChange())
		f.touched = time.Now()
	}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Item returns an item as shown (after overrides), whether it is shown at
// all, and whether it exists.
func (v *View) Item(id string) (it item.Item, shown, ok bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if p, ok := v.shown[id]; ok {
		return *p, true, true
	}
	if p, ok := v.items[id]; ok {
		return *p, false, true
	}
	return item.Item{}, false, false
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
