package dedup

import (
	"fmt"
	"testing"
)

// TestHeldEntries: entries are held within the budget, the oldest go
// first, keeping an id again replaces it in place, and a held print reads
// back as written.
func TestHeldEntries(t *testing.T) {
	set := readDevset(t)
	prints := make([][]byte, len(set))
	for i, l := range set {
		prints[i] = encodePrint(nil, NewFingerprint(l.Item))
	}
	budget := 0
	for _, p := range prints[len(prints)-10:] {
		budget += len(p)
	}
	h := newHeldEntries(budget)
	for i, p := range prints {
		h.keep(fmt.Sprint(i), heldEntry{print: p, deciding: true})
		h.keep(fmt.Sprint(i), heldEntry{print: p, story: "s"}) // decided: replaced
		if h.size > budget {
			t.Fatalf("after %d: %d bytes held, budget %d", i, h.size, budget)
		}
	}
	if len(h.byID) != 10 {
		t.Errorf("%d entries held, want the last 10", len(h.byID))
	}
	for i := range prints {
		e, ok := h.get(fmt.Sprint(i))
		if want := i >= len(prints)-10; ok != want {
			t.Fatalf("entry %d held: %v, want %v", i, ok, want)
		}
		if !ok {
			continue
		}
		got, err := e.decode(false)
		if err != nil || got.deciding || got.story != "s" || !samePrint(got.print, NewFingerprint(set[i].Item)) {
			t.Errorf("entry %d reads back as %+v (%v)", i, got, err)
		}
	}
}
