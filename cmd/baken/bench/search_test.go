package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bakenhub/baken/cmd/baken/internal/fixture"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/services/publish/search"
)

// BenchmarkSearch100k indexes 100,000 generated stories (BAKEN_SEARCH_ITEMS
// to change) into a fresh index on disk in batches, as the publisher does
// from the curated stream, then runs 500 queries of one to three words,
// a fifth with a theme or district filter, and reopens the index as a
// restart would, and queries the reopened index. It reports the indexing
// rate, the size on disk, the queries' p50 and p99, the index's heap (over
// the generated stories') after indexing and when serving after the
// reopen, the reopen time and the process's peak RSS (stories included).
// Slow (about a minute on two cores): make bench-go runs it, make test not.
func BenchmarkSearch100k(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("BAKEN_SEARCH_ITEMS")); err == nil && v > 0 {
		n = v
	}
	stories := fixture.Stories(n, 14)
	districts := []string{"utrecht-stad", "oost-utrecht", "west-utrecht", "gooi-en-vechtstreek", "flevoland", "rotterdam", "noord-holland", "oost-nederland"}
	var words []string
	for _, st := range stories[:2000] {
		words = append(words, strings.Fields(strings.ToLower(st.Title))...)
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "search")
		x, err := search.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		batch := x.NewBatch()
		for i, st := range stories {
			it := item.Item{ID: fmt.Sprintf("%032x", i), Source: fmt.Sprintf("bron-%04d", i%500), Title: st.Title, Summary: st.Body,
				Published: st.Published, Places: []string{st.Place}, Districts: []string{districts[i%len(districts)]},
				Themes: []item.Theme{{ID: fixture.ThemeIDs[st.Theme]}}}
			if err := batch.Put(it.ID, search.DocOf(it, "Bron "+it.Source), uint64(i+1)); err != nil {
				b.Fatal(err)
			}
			if batch.Len() == 500 || i == len(stories)-1 {
				if err := x.Apply(batch); err != nil {
					b.Fatal(err)
				}
			}
		}
		indexing := time.Since(start)
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		indexHeap := float64(ms.HeapInuse) - float64(before.HeapInuse)

		if err := x.Close(); err != nil {
			b.Fatal(err)
		}
		size := dirSize(dir)
		t0 := time.Now()
		x, err = search.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		reopen := time.Since(t0)
		if last, _ := x.LastSeq(); last != uint64(n) {
			b.Fatalf("reopened index at sequence %d, want %d", last, n)
		}
		// Queries on the reopened index, as after a restart.
		r := rand.New(rand.NewPCG(1, 2))
		var lat []time.Duration
		for q := range 500 {
			sq := search.Query{Limit: 20}
			for range 1 + r.IntN(3) {
				sq.Words += words[r.IntN(len(words))] + " "
			}
			switch q % 10 {
			case 0:
				sq.Theme = fixture.ThemeIDs[r.IntN(len(fixture.ThemeIDs))]
			case 1:
				sq.District = districts[r.IntN(len(districts))]
			}
			t0 := time.Now()
			if _, err := x.Search(context.Background(), sq); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		slices.Sort(lat)
		runtime.GC()
		runtime.ReadMemStats(&ms)
		servingHeap := float64(ms.HeapInuse) - float64(before.HeapInuse)
		_ = x.Close()
		b.ReportMetric(float64(n)/indexing.Seconds(), "items/s")
		b.ReportMetric(float64(size)/(1<<20), "MB-on-disk")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-p50")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
		b.ReportMetric(indexHeap/(1<<20), "MB-heap-indexing")
		b.ReportMetric(servingHeap/(1<<20), "MB-heap-serving")
		b.ReportMetric(float64(reopen.Microseconds())/1000, "ms-reopen")
		b.ReportMetric(peakRSS()/(1<<20), "MB-peak-RSS")
	}
}

// peakRSS is the process's peak resident set (VmHWM) in bytes, 0 where
// /proc is not there.
func peakRSS() float64 {
	data, _ := os.ReadFile("/proc/self/status")
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}
