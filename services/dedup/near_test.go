package dedup

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/item"
)

// TestNearCopiesOnFourReplicas: four replicas, each on its own connection,
// get four versions of one story at the same moment: the full story, a cut
// summary, a repost with a new intro, one with a closing line. Exactly one
// comes through as a new story; the other three are merged into it.
func TestNearCopiesOnFourReplicas(t *testing.T) {
	const rounds = 8
	s := natstest.Run(t, "")
	var ds []*Deduper
	for range 4 {
		_, js := natstest.Connect(t, s)
		ds = append(ds, newDeduper(t, js))
	}
	for n := range rounds {
		full := roundDTN(t, n)
		full.Content += "<p>" + dtnMore + "</p>"
		cut := with(roundDTN(t, n), func(it *item.Item) {
			it.Source, it.GUID = "veiligheidscoalitie", ""
			*it = moved(t, *it, fmt.Sprintf("https://www.veiligheidscoalitie.nl/nieuws/dtn-ronde-%d", n))
		})
		intro := nhRepost(t, roundDTN(t, n))
		closing := story(t, "veiligheidsalliantie", fmt.Sprintf("https://www.veiligheidsalliantie.nl/nieuws/dtn-%d", n), "",
			full.Title, full.Content+"<p>Meer informatie vindt u op de website van de NCTV.</p>", full.Published.Add(48*time.Hour))
		versions := []item.Item{full, cut, intro, closing}

		var wg sync.WaitGroup
		outs := make([][]item.Item, len(versions))
		start := make(chan struct{})
		for i, it := range versions {
			wg.Go(func() {
				<-start
				outs[i] = process(t, ds[i], it)
			})
		}
		close(start)
		wg.Wait()

		var canon string
		fresh := 0
		for _, o := range slices.Concat(outs...) {
			if canon == "" {
				canon = o.ID
			}
			if o.ID != canon {
				t.Fatalf("round %d: two stories came through: %v", n, titles(slices.Concat(outs...)))
			}
			if len(o.AlsoAt) == 0 {
				fresh++
			}
		}
		if fresh != 1 {
			t.Errorf("round %d: %d outputs without also_at, want exactly 1 new story", n, fresh)
		}
		rec, _, ok, err := ds[0].store.get(context.Background(), idKey(canon))
		if err != nil || !ok || rec.Item == nil || rec.Deciding || rec.Pending {
			t.Fatalf("round %d: canonical record %+v, %v, %v", n, rec, ok, err)
		}
		if len(rec.Item.AlsoAt) != 3 {
			t.Errorf("round %d: canonical also_at %v, want the 3 other versions", n, rec.Item.AlsoAt)
		}
		for _, it := range versions {
			if it.ID == canon {
				continue
			}
			cp, _, ok, err := ds[0].store.get(context.Background(), idKey(it.ID))
			if err != nil || !ok || cp.DuplicateOf != canon || cp.Deciding || cp.Similarity < minSimilarity || cp.Similarity > 1 {
				t.Errorf("round %d: record of the %s copy: duplicate_of %q similarity %.2f deciding %v, %v %v", n, it.Source, cp.DuplicateOf, cp.Similarity, cp.Deciding, ok, err)
			}
		}
	}
}

// TestBandsInTheDedupBucket: the index lives in the dedup bucket, under
// band keys, and ages out with the bucket's retention.
func TestBandsInTheDedupBucket(t *testing.T) {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	ctx := context.Background()
	retention := 30 * 24 * time.Hour
	opts := bus.DefaultOptions()
	opts.DedupRetention = retention
	if err := bus.Setup(ctx, js, opts); err != nil {
		t.Fatal(err)
	}
	d := newDeduper(t, js)
	full := with(dtnNCTV(t), func(it *item.Item) { it.Content += "<p>" + dtnMore + "</p>" })
	process(t, d, full)

	kv, err := js.KeyValue(ctx, bus.DedupBucket)
	if err != nil {
		t.Fatal(err)
	}
	st, err := kv.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.TTL() != retention {
		t.Errorf("bucket TTL %v, want the retention %v", st.TTL(), retention)
	}
	// The bands live in the item's file record and its record, which age
	// out with the bucket's TTL; the stage's index has filed the story
	// under each.
	fp := NewFingerprint(full)
	for _, key := range []string{fileKey(full.ID), idKey(full.ID)} {
		rec, _, ok, err := d.store.get(ctx, key)
		if err != nil || !ok || !slices.Equal(rec.Bands, fp.bands) {
			t.Fatalf("%s: bands %v (%v, %v), want %v", key, rec.Bands, ok, err, fp.bands)
		}
	}
	for _, b := range fp.bands {
		if got, _ := d.index.mem.file(ctx, b, "later"); !slices.Equal(got, []string{full.ID}) {
			t.Errorf("band %x holds %q, want the story's id", uint64(b), got)
		}
	}
	if len(fp.bands) < numBands || len(fp.bands) > 2*numBands+1 || fp.bands[len(fp.bands)-1]>>56 != openingBand {
		t.Errorf("%d bands, want %d to %d, the opening last", len(fp.bands), numBands, 2*numBands+1)
	}
}

// TestFile: filing is idempotent, returns what came before, and a bucket
// keeps its latest bucketSize ids.
func TestFile(t *testing.T) {
	for name, idx := range map[string]index{"memory": newMemIndex()} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			const b = band(3<<56 | 0xabcdef)
			var ids []string
			for i := range bucketSize + 4 {
				id := fmt.Sprintf("item%02d", i)
				before, err := idx.file(ctx, b, id)
				if err != nil {
					t.Fatal(err)
				}
				if want := ids[max(len(ids)-bucketSize, 0):]; !slices.Equal(before, want) {
					t.Fatalf("filing %s returned %q, want %q", id, before, want)
				}
				ids = append(ids, id)
			}
			last := ids[len(ids)-1]
			again, err := idx.file(ctx, b, last)
			if err != nil {
				t.Fatal(err)
			}
			if want := ids[len(ids)-bucketSize : len(ids)-1]; !slices.Equal(again, want) {
				t.Errorf("filing %s again returned %q, want %q", last, again, want)
			}
			if before, _ := idx.file(ctx, band(4<<56|0xabcdef), "other"); len(before) != 0 {
				t.Errorf("another band holds %q", before)
			}
			if _, ok, err := idx.entry(ctx, "item00"); ok || err != nil {
				t.Errorf("entry of an id never stored: %v %v", ok, err)
			}
		})
	}
}
