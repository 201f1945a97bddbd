package dedup

// heldEntries is what the watch saw of the latest records, within a budget
// of bytes, the oldest forgotten first: each entry's print is kept in the
// binary form of codec.go, a third of its size decoded and nothing for the
// collector to follow. An entry it no longer holds is read from the bucket,
// and such reads land anywhere in it: the server then loads a 4 MB block
// for one record and keeps it cached, which at 16,384 decoded entries held
// made most of the hub's memory during an import (issue 10).
type heldEntries struct {
	budget, size int
	byID         map[string]heldEntry
	order        []string // ids, oldest first from head
	head         int
}

type heldEntry struct {
	print       []byte // encodePrint
	duplicateOf string
	story       string
	deciding    bool
}

// heldBudget is the bytes of prints held: some 40,000 items of a page of
// text each, weeks of a national hub's items, where copies come within days.
const heldBudget = 64 << 20

func newHeldEntries(budget int) *heldEntries {
	return &heldEntries{budget: budget, byID: map[string]heldEntry{}}
}

// keep holds e for id, in place of what it held; the caller locks.
func (h *heldEntries) keep(id string, e heldEntry) {
	if old, ok := h.byID[id]; ok {
		h.size -= len(old.print)
	} else {
		h.order = append(h.order, id)
	}
	h.byID[id] = e
	h.size += len(e.print)
	for h.size > h.budget && h.head < len(h.order) {
		oldest := h.order[h.head]
		h.order[h.head] = ""
		h.head++
		h.size -= len(h.byID[oldest].print)
		delete(h.byID, oldest)
	}
	if h.head > len(h.order)/2 && h.head > 1024 {
		h.order = append(h.order[:0:0], h.order[h.head:]...)
		h.head = 0
	}
}

// get returns the entry held for id, its print undecoded.
func (h *heldEntries) get(id string) (heldEntry, bool) {
	e, ok := h.byID[id]
	return e, ok
}

// decode is the entry with its print decoded: whole, or for story
// detection only (decodeStoryPrint).
func (e heldEntry) decode(storyOnly bool) (entry, error) {
	out := entry{duplicateOf: e.duplicateOf, story: e.story, deciding: e.deciding}
	if len(e.print) > 0 {
		decode := decodePrint
		if storyOnly {
			decode = decodeStoryPrint
		}
		fp, err := decode(e.print)
		if err != nil {
			return entry{}, err
		}
		out.print = fp
	}
	return out, nil
}
