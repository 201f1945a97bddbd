package dedup

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus/natstest"
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

// countingKV counts the reads of a bucket.
type countingKV struct {
	jetstream.KeyValue
	keys []string
}

func (c *countingKV) Get(ctx context.Context, key string) (jetstream.KeyValueEntry, error) {
	c.keys = append(c.keys, key)
	return c.KeyValue.Get(ctx, key)
}

// TestHeldDeciding: a candidate held from its file record, deciding, is
// answered from what is held after one read of its id's record, not two;
// once it has a record, that record answers.
func TestHeldDeciding(t *testing.T) {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	d := newDeduper(t, js)
	ctx := context.Background()
	it := readDevset(t)[0].Item
	fp := NewFingerprint(it)
	rev, err := d.store.fileBands(ctx, it.ID, record{Item: &it, TextHash: it.TextHash(), Print: fp, Bands: fp.bands})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.index.wait(ctx, rev); err != nil {
		t.Fatal(err)
	}
	reads := &countingKV{KeyValue: d.index.s.kv}
	d.index.s.kv = reads
	e, ok, err := d.index.storyEntry(ctx, it.ID)
	if err != nil || !ok || !e.deciding || e.print == nil || e.print.Story == nil {
		t.Fatalf("deciding candidate: %+v %v %v", e, ok, err)
	}
	if want := []string{idKey(it.ID)}; !slices.Equal(reads.keys, want) {
		t.Errorf("read %q, want %q", reads.keys, want)
	}
	if _, err := d.store.create(ctx, idKey(it.ID), record{Item: &it, TextHash: it.TextHash(), Print: fp, Bands: fp.bands, Story: "s"}); err != nil {
		t.Fatal(err)
	}
	e, ok, err = d.index.storyEntry(ctx, it.ID)
	if err != nil || !ok || e.deciding || e.story != "s" {
		t.Errorf("decided candidate: %+v %v %v", e, ok, err)
	}
}
