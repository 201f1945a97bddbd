package dedup

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/textnorm"
)

// textGen writes items of seed-like Dutch: words drawn with the frequencies
// they have in the development set, 60 to 120 of them in sentences, a title
// of 6 to 10.
type textGen struct {
	rng   *rand.Rand
	words []string // every word of the devset, as often as it occurs there
}

func newTextGen(tb testing.TB) *textGen {
	g := &textGen{rng: rand.New(rand.NewPCG(1, 2))}
	for _, l := range readDevset(tb) {
		g.words = append(g.words, textnorm.Words(textnorm.StripHTML(l.Title+" "+l.Text()))...)
	}
	return g
}

func (g *textGen) sentence(b *strings.Builder, n int) {
	for i := range n {
		w := g.words[g.rng.IntN(len(g.words))]
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
}

// item returns the n-th item: a new story (or, rarely, a chance look-alike).
func (g *textGen) item(n int) item.Item {
	var title, body strings.Builder
	g.sentence(&title, 6+g.rng.IntN(5))
	for words := 60 + g.rng.IntN(61); words > 0; {
		k := min(8+g.rng.IntN(9), words)
		g.sentence(&body, k)
		body.WriteString(". ")
		words -= k
	}
	u := fmt.Sprintf("https://www.veiligheidscoalitie.nl/nieuws/bench-%d", n)
	return item.Item{ID: item.NewID(u, "bench", ""), Source: "bench", URL: u, Title: title.String(), Summary: body.String()}
}

func heapAlloc() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkLookupInsert measures the near-duplicate index's lookup and
// insert for one new item (its bands looked up and filed, candidates
// confirmed, its entry stored: Matcher.near) with 10,000, 100,000 and
// 1,000,000 items already stored, and the memory of the in-memory Matcher
// per stored item. Fingerprints of 16,384 new items are made before timing
// (BenchmarkFingerprint and BenchmarkAdd give the whole cost of an item);
// after every 1,000 items timed, they are taken out again, untimed, so the
// index keeps its size; the items come round again 16 chunks later.
func BenchmarkLookupInsert(b *testing.B) {
	for _, stored := range benchSizes {
		b.Run(fmt.Sprintf("stored=%d", stored), func(b *testing.B) {
			g := newTextGen(b)
			m, perItem := filled(b, g, stored)
			const chunk = 1000
			ids := make([]string, 16*chunk)
			prints := make([]*Fingerprint, len(ids))
			for i := range ids {
				it := g.item(stored + i)
				ids[i], prints[i] = it.ID, NewFingerprint(it)
			}
			ctx := context.Background()
			n, merged := 0, 0
			for b.Loop() {
				i := n % len(ids)
				if n > 0 && n%chunk == 0 {
					b.StopTimer()
					for j := n - chunk; j < n; j++ {
						m.idx.forget(ids[j%len(ids)], prints[j%len(ids)])
					}
					b.StartTimer()
				}
				found, err := m.near(ctx, ids[i], prints[i])
				if err != nil {
					b.Fatal(err)
				}
				if found.canonical != "" {
					merged++
				}
				n++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/item")
			b.ReportMetric(perItem, "B/stored")
			if merged > n/100 {
				b.Errorf("%d of %d random items merged", merged, n)
			}
		})
	}
}

// forget undoes Matcher.near(id, fp), for the benchmark.
func (x *memIndex) forget(id string, fp *Fingerprint) {
	n := x.num[id]
	for _, b := range fp.bands {
		v, ok := x.buckets[b]
		switch {
		case !ok:
		case v == n:
			delete(x.buckets, b)
		case v&inList != 0:
			list := x.lists[v&^inList]
			if i := slices.Index(list, n); i >= 0 {
				x.lists[v&^inList] = slices.Delete(list, i, i+1)
			}
		}
	}
	x.entries[n] = entry{}
}

// filled returns a Matcher that has seen stored items, and the heap it
// takes per item.
func filled(b *testing.B, g *textGen, stored int) (*Matcher, float64) {
	before := heapAlloc()
	m := NewMatcher()
	for n := range stored {
		if _, err := m.Add(g.item(n)); err != nil {
			b.Fatal(err)
		}
	}
	return m, float64(heapAlloc()-before) / float64(stored)
}

// BenchmarkAdd is the whole offline cost of one new item (text hash, exact
// keys, fingerprint, lookup and insert) with 100,000 items stored.
func BenchmarkAdd(b *testing.B) {
	g := newTextGen(b)
	m, _ := filled(b, g, 100_000)
	items := make([]item.Item, 1<<14)
	next := 100_000
	fill := func() {
		for i := range items {
			items[i] = g.item(next)
			next++
		}
	}
	fill()
	n := 0
	for b.Loop() {
		if n > 0 && n%len(items) == 0 {
			b.StopTimer()
			fill()
			b.StartTimer()
		}
		if _, err := m.Add(items[n%len(items)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/item")
}

// BenchmarkFingerprint is the share of one item's cost that does not
// depend on the index: tokenising, shingles, facts, the two sketches.
func BenchmarkFingerprint(b *testing.B) {
	g := newTextGen(b)
	items := make([]item.Item, 1024)
	for i := range items {
		items[i] = g.item(i)
	}
	n := 0
	for b.Loop() {
		NewFingerprint(items[n%len(items)])
		n++
	}
}

// BenchmarkHandleKV is the dedup stage's cost for one new item with the
// index in JetStream KV (an embedded server, one replica): Handle and
// Published, with 1,000 items stored.
func BenchmarkHandleKV(b *testing.B) {
	const stored = 1000
	s := natstest.Run(b, "")
	_, js := natstest.Connect(b, s)
	d := newDeduper(b, js)
	g := newTextGen(b)
	for n := range stored {
		process(b, d, g.item(n))
	}
	n := stored
	for b.Loop() {
		outs := handle(b, d, g.item(n))
		if err := d.Published(context.Background(), outs); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n-stored), "ns/item")
}

var benchSizes = []int{10_000, 100_000, 1_000_000}
