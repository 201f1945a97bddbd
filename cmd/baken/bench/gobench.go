package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// goBench are the figures of Go benchmarks in the output of `go test
// -bench` (make bench runs classify's and the dedup index's before the
// board): benchmark name without its -GOMAXPROCS suffix -> unit -> the
// value of each run.
type goBench map[string]map[string][]float64

var procsSuffix = regexp.MustCompile(`-\d+$`)

// readGoBench reads benchmark result lines ("BenchmarkX-2  20000  2066
// ns/op  3474 B/stored") and skips every other line.
func readGoBench(r io.Reader) (goBench, error) {
	out := goBench{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // not a result line
		}
		name := procsSuffix.ReplaceAllString(f[0], "")
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("go bench: %q: %w", sc.Text(), err)
			}
			if out[name] == nil {
				out[name] = map[string][]float64{}
			}
			out[name][f[i+1]] = append(out[name][f[i+1]], v)
		}
	}
	return out, sc.Err()
}

// median of a benchmark's unit, false when it was not run.
func (g goBench) median(name, unit string) (float64, bool) {
	vs := slices.Clone(g[name][unit])
	if len(vs) == 0 {
		return 0, false
	}
	slices.Sort(vs)
	if n := len(vs); n%2 == 0 {
		return (vs[n/2-1] + vs[n/2]) / 2, true
	}
	return vs[len(vs)/2], true
}

const (
	classifyBench = "BenchmarkClassify"
	indexBench    = "BenchmarkLookupInsert/stored="
)

// goBenchRows adds the rows of issue 11's curation benchmarks: classify
// per core, and the dedup index from 10,000 to 1,000,000 items stored
// (time and memory per item; the time may grow as the index leaves the
// processor's caches, the memory per item must not).
func goBenchRows(b *board, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("go benchmarks: %w", err)
	}
	defer f.Close()
	g, err := readGoBench(f)
	if err != nil {
		return err
	}
	if v, ok := g.median(classifyBench, "items/s"); ok {
		b.add(row{Figure: "classify, one core", Unit: "items/s", Baken: v, Target: ">= 20000", Met: v >= 20000})
	} else {
		fmt.Printf("  %s not in %s: classify not measured\n", classifyBench, path)
	}
	small, okSmall := g.median(indexBench+"10000", "B/stored")
	large, okLarge := g.median(indexBench+"1000000", "B/stored")
	if !okSmall || !okLarge {
		fmt.Printf("  %s10000 and 1000000 not in %s: the dedup index not measured\n", indexBench, path)
		return nil
	}
	b.add(withRef(row{Figure: "dedup index memory, 1,000,000 stored", Unit: "B/item", Baken: large, Target: "<= 1.25x 10,000's", Met: large <= 1.25*small}, "10,000 stored", small))
	t, _ := g.median(indexBench+"1000000", "ns/item")
	t0, _ := g.median(indexBench+"10000", "ns/item")
	b.add(withRef(row{Figure: "dedup lookup+insert, 1,000,000 stored", Unit: "µs/item", Baken: t / 1000, Target: "<= 50", Met: t > 0 && t <= 50_000}, "10,000 stored", t0/1000))
	return nil
}
