package ledger

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/item"
)

func at(h int) time.Time { return time.Date(2026, 12, 1, h, 0, 0, 0, time.UTC) }

func it(id string, h int, source string, themes, dists []string) *item.Item {
	x := &item.Item{ID: id, Published: at(h), Source: source, Districts: dists}
	for _, t := range themes {
		x.Themes = append(x.Themes, item.Theme{ID: t})
	}
	return x
}

func ids(p Page) []string {
	var out []string
	for _, r := range p.Refs {
		out = append(out, r.ID)
	}
	return out
}

func fixture() *Ledger {
	l := New()
	for _, x := range []*item.Item{
		it("a", 1, "nctv", []string{"terrorisme"}, nil),
		it("b", 2, "politie", []string{"ondermijning"}, []string{"oost-utrecht"}),
		it("c", 3, "politie", []string{"jonge-aanwas", "ondermijning"}, []string{"utrecht-stad"}),
		it("d", 4, "riec", []string{"jonge-aanwas"}, []string{"oost-utrecht"}),
		it("e", 4, "riec", nil, []string{"oost-utrecht", "west-utrecht"}),
		it("f", 5, "nctv", []string{"openbare-orde"}, []string{"west-utrecht"}),
	} {
		l.Put(x)
	}
	return l
}

func TestSelect(t *testing.T) {
	l := fixture()
	tests := []struct {
		name   string
		f      Filter
		cursor Ref
		n      int
		want   []string
		more   bool
	}{
		{"all, newest first, ties by id", Filter{}, Ref{}, 10, []string{"f", "d", "e", "c", "b", "a"}, false},
		{"a page", Filter{}, Ref{}, 2, []string{"f", "d"}, true},
		{"after a cursor", Filter{}, Ref{ID: "d", Published: at(4)}, 2, []string{"e", "c"}, true},
		{"after a cursor no longer there", Filter{}, Ref{ID: "cc", Published: at(3)}, 10, []string{"b", "a"}, false},
		{"themes OR", Filter{Themes: []string{"terrorisme", "jonge-aanwas"}}, Ref{}, 10, []string{"d", "c", "a"}, false},
		{"themes AND districts", Filter{Themes: []string{"ondermijning", "jonge-aanwas"}, Districts: []string{"oost-utrecht"}}, Ref{}, 10, []string{"d", "b"}, false},
		{"districts OR", Filter{Districts: []string{"west-utrecht", "utrecht-stad"}}, Ref{}, 10, []string{"f", "e", "c"}, false},
		{"source", Filter{Sources: []string{"riec"}}, Ref{}, 10, []string{"d", "e"}, false},
		{"unknown theme: nothing", Filter{Themes: []string{"ufo"}}, Ref{}, 10, nil, false},
		{"unknown and known", Filter{Themes: []string{"ufo", "terrorisme"}}, Ref{}, 10, []string{"a"}, false},
		{"since and until", Filter{Since: at(2), Until: at(4)}, Ref{}, 10, []string{"c", "b"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := l.Select(tt.f, tt.cursor, tt.n)
			if !slices.Equal(ids(p), tt.want) || p.More != tt.more {
				t.Errorf("got %v more %v, want %v more %v", ids(p), p.More, tt.want, tt.more)
			}
		})
	}
}

func TestPutReplacesAndRemoves(t *testing.T) {
	l := fixture()
	v := l.Version()
	// Reclassified: out of ondermijning, into terrorisme.
	l.Put(it("b", 2, "politie", []string{"terrorisme"}, []string{"oost-utrecht"}))
	// Redated: moves in the order.
	l.Put(it("a", 6, "nctv", []string{"terrorisme"}, nil))
	l.Remove("f")
	l.Remove("nothing")
	if l.Version() == v {
		t.Error("version did not change")
	}
	if got := ids(l.Select(Filter{}, Ref{}, 10)); !slices.Equal(got, []string{"a", "d", "e", "c", "b"}) {
		t.Errorf("order %v", got)
	}
	if got := ids(l.Select(Filter{Themes: []string{"terrorisme"}}, Ref{}, 10)); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("terrorisme %v", got)
	}
	if l.Len() != 5 {
		t.Errorf("len %d, want 5", l.Len())
	}
}

// A story shows once, under its first report, where that one matches too.
func TestStoryOnce(t *testing.T) {
	l := fixture()
	r := it("r", 6, "riec", []string{"terrorisme"}, []string{"oost-utrecht"})
	r.Story = "a"
	l.Put(r)
	if got := ids(l.Select(Filter{Themes: []string{"terrorisme"}}, Ref{}, 10)); !slices.Equal(got, []string{"a"}) {
		t.Errorf("terrorisme %v, want the first report only", got)
	}
	if got := ids(l.Select(Filter{Districts: []string{"oost-utrecht"}}, Ref{}, 10)); !slices.Equal(got, []string{"r", "d", "e", "b"}) {
		t.Errorf("oost-utrecht %v: the first report is not there, the other is", got)
	}
}

// A replay puts many items in any order; the order comes out right, and
// paging with cursors walks every item once.
func TestReplayAndWalk(t *testing.T) {
	l := New()
	const n = 5000
	for i := range n {
		k := (i * 7919) % n
		l.Put(&item.Item{ID: fmt.Sprintf("%05d", k), Published: at(0).Add(time.Duration(k/3) * time.Minute), Source: "s"})
	}
	seen := map[string]bool{}
	var cursor, last Ref
	for {
		p := l.Select(Filter{}, cursor, 333)
		for _, r := range p.Refs {
			if seen[r.ID] || (last.ID != "" && !last.Before(r)) {
				t.Fatalf("%v after %v: out of order or twice", r, last)
			}
			seen[r.ID], last = true, r
		}
		if !p.More {
			break
		}
		cursor = p.Refs[len(p.Refs)-1]
	}
	if len(seen) != n {
		t.Errorf("walked %d items, want %d", len(seen), n)
	}
}

// The ledger of 100,000 items (the scale of issue 10) stays small: the
// hub's whole budget is 300 MB.
func TestLedgerMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 100,000 items")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := New()
	themes := []string{"ondermijning", "jonge-aanwas", "terrorisme", "openbare-orde"}
	for i := range 100_000 {
		x := it(fmt.Sprintf("%032x", i), 0, fmt.Sprintf("bron-%d", i%300), []string{themes[i%4], themes[(i+1)%4]}, []string{fmt.Sprintf("district-%d", i%40)})
		x.Published = x.Published.Add(time.Duration(i) * time.Second)
		l.Put(x)
	}
	l.Select(Filter{Themes: []string{"terrorisme"}}, Ref{}, 50)
	runtime.GC()
	runtime.ReadMemStats(&after)
	mb := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	t.Logf("100,000 items: %.1f MB", mb)
	if mb > 32 {
		t.Errorf("the ledger of 100,000 items takes %.1f MB, want under 32", mb)
	}
	runtime.KeepAlive(l)
}
