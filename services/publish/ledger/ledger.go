// Package ledger keeps a compact record of every item the publisher
// serves: its id, dates, themes, districts, source and story, a few dozen
// bytes each, newest first. Custom feeds, archive pages, the item list of
// the API and digests select items from it, and read the few they show
// from the curated stream; the text of the items is never held here. At
// 100,000 items it takes some 22 MB (TestLedgerMemory).
package ledger

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bakenhub/baken/pkg/item"
)

// Ref names one item in the ledger's order: newest published first, then
// by id, the order of every feed.
type Ref struct {
	ID        string
	Published time.Time
}

// Before reports whether r comes before o in the ledger's order.
func (r Ref) Before(o Ref) bool { return compareRef(r, o) < 0 }

func compareRef(a, b Ref) int {
	if c := b.Published.Compare(a.Published); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// entry is an item as the ledger records it: ids interned as small ints.
type entry struct {
	ref     Ref
	changed int64 // the item's last change, Unix nanoseconds
	source  uint16
	themes  []uint16
	dists   []uint16
	story   string // the story's first report, "" when it is one
}

// Filter selects items: any of Themes, and any of Districts, and any of
// Sources (an empty list selects all), published in [Since, Until) (zero:
// open).
type Filter struct {
	Themes, Districts, Sources []string
	Since, Until               time.Time
}

// Ledger is the record of every item shown. It is safe for concurrent use.
type Ledger struct {
	mu      sync.RWMutex
	names   map[string]uint16 // interned theme, district and source ids
	byID    map[string]*entry
	order   []*entry // newest first; pending entries not yet in it
	pending []*entry
	version uint64
}

// New returns an empty ledger.
func New() *Ledger {
	return &Ledger{names: map[string]uint16{}, byID: map[string]*entry{}}
}

// intern returns the number of a name; the caller holds mu.
func (l *Ledger) intern(s string) uint16 {
	n, ok := l.names[s]
	if !ok {
		n = uint16(len(l.names) + 1)
		l.names[s] = n
	}
	return n
}

// lookup returns the numbers of names that are known; the caller holds mu.
func (l *Ledger) lookup(names []string) (ns []uint16, any bool) {
	for _, s := range names {
		if n, ok := l.names[s]; ok {
			ns = append(ns, n)
		}
	}
	return ns, len(names) > 0
}

// Put records an item as shown, replacing its previous record.
func (l *Ledger) Put(it *item.Item) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := &entry{ref: Ref{ID: it.ID, Published: it.Published}, changed: it.LastChange().UnixNano(), source: l.intern(it.Source)}
	if it.Story != it.ID {
		e.story = it.Story
	}
	for _, t := range it.Themes {
		e.themes = append(e.themes, l.intern(t.ID))
	}
	for _, d := range it.Districts {
		e.dists = append(e.dists, l.intern(d))
	}
	if old, ok := l.byID[it.ID]; ok {
		if old.ref == e.ref {
			*old = *e // in place: the order stays
			l.version++
			return
		}
		l.remove(old)
	}
	l.byID[it.ID] = e
	l.pending = append(l.pending, e)
	l.version++
}

// Remove forgets an item: it is hidden or gone.
func (l *Ledger) Remove(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.byID[id]; ok {
		l.remove(e)
		delete(l.byID, id)
		l.version++
	}
}

// remove takes e out of the order; the caller holds mu.
func (l *Ledger) remove(e *entry) {
	if i := slices.Index(l.pending, e); i >= 0 {
		l.pending = slices.Delete(l.pending, i, i+1)
		return
	}
	if i, ok := slices.BinarySearchFunc(l.order, e.ref, func(x *entry, r Ref) int { return compareRef(x.ref, r) }); ok {
		l.order = slices.Delete(l.order, i, i+1)
	}
}

// settle moves pending entries into the order: one by one when they are
// few (new items land near the front), with one sort after a replay.
func (l *Ledger) settle() {
	if len(l.pending) == 0 {
		return
	}
	byRef := func(a, b *entry) int { return compareRef(a.ref, b.ref) }
	if len(l.pending) > 64 {
		l.order = append(l.order, l.pending...)
		slices.SortFunc(l.order, byRef)
	} else {
		for _, e := range l.pending {
			i, _ := slices.BinarySearchFunc(l.order, e, byRef)
			l.order = slices.Insert(l.order, i, e)
		}
	}
	clear(l.pending)
	l.pending = l.pending[:0]
}

// Version changes with every change of the ledger.
func (l *Ledger) Version() uint64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.version
}

// Len is the number of items recorded.
func (l *Ledger) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.byID)
}

// Page is what Select found.
type Page struct {
	Refs []Ref
	// More is set when items matching the filter come after the last ref.
	More bool
	// Changed is the latest change of the items in Refs.
	Changed time.Time
}

// Select returns up to n items matching f, in order, from the first after
// cursor (zero: from the newest). A report of a story whose first report
// also matches is left out: the story shows once, under its first report.
func (l *Ledger) Select(f Filter, cursor Ref, n int) Page {
	l.mu.RLock()
	if len(l.pending) > 0 {
		l.mu.RUnlock()
		l.mu.Lock() // settling writes
		l.settle()
		l.mu.Unlock()
		l.mu.RLock()
	}
	defer l.mu.RUnlock()
	m, ok := l.matcher(f)
	if !ok {
		return Page{}
	}
	start := 0
	if cursor.ID != "" {
		start, _ = slices.BinarySearchFunc(l.order, cursor, func(x *entry, r Ref) int { return compareRef(x.ref, r) })
		if start < len(l.order) && l.order[start].ref == cursor {
			start++
		}
	}
	var p Page
	var changed int64
	for _, e := range l.order[start:] {
		if !m.since.IsZero() && e.ref.Published.Before(m.since) {
			break // the rest is older still
		}
		if !m.match(e) {
			continue
		}
		if first, ok := l.byID[e.story]; ok && e.story != "" && m.match(first) {
			continue
		}
		if len(p.Refs) == n {
			p.More = true
			break
		}
		p.Refs = append(p.Refs, e.ref)
		changed = max(changed, e.changed)
	}
	if changed > 0 {
		p.Changed = time.Unix(0, changed).UTC()
	}
	return p
}

// matcher is a Filter in interned numbers.
type matcher struct {
	themes, dists, sources []uint16
	since, until           time.Time
}

// matcher interns f; ok is false when f names only unknown ids in some
// list, so nothing can match.
func (l *Ledger) matcher(f Filter) (matcher, bool) {
	m := matcher{since: f.Since, until: f.Until}
	for _, x := range []struct {
		names []string
		to    *[]uint16
	}{{f.Themes, &m.themes}, {f.Districts, &m.dists}, {f.Sources, &m.sources}} {
		ns, asked := l.lookup(x.names)
		if asked && len(ns) == 0 {
			return m, false
		}
		*x.to = ns
	}
	return m, true
}

func (m matcher) match(e *entry) bool {
	switch {
	case !m.since.IsZero() && e.ref.Published.Before(m.since):
		return false
	case !m.until.IsZero() && !e.ref.Published.Before(m.until):
		return false
	case len(m.sources) > 0 && !slices.Contains(m.sources, e.source):
		return false
	}
	return anyOf(m.themes, e.themes) && anyOf(m.dists, e.dists)
}

// anyOf reports whether have holds one of want; no want matches anything.
func anyOf(want, have []uint16) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

// Cursor is r as a page cursor: its published time in Unix nanoseconds
// and its id. Pages keyed by cursors do not move when newer items come.
func (r Ref) Cursor() string {
	return strconv.FormatInt(r.Published.UnixNano(), 10) + "-" + r.ID
}

// ParseCursor reads a Cursor.
func ParseCursor(s string) (Ref, error) {
	ns, id, ok := strings.Cut(s, "-")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil || id == "" {
		return Ref{}, fmt.Errorf("ledger: cursor %q: want <unix nanoseconds>-<item id>", s)
	}
	return Ref{ID: id, Published: time.Unix(0, n).UTC()}, nil
}
