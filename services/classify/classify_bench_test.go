package classify

import (
	"os"
	"testing"

	"github.com/bakenhub/baken/pkg/config"
)

// BenchmarkClassify measures items classified per second on one core, on
// the seed-sized items of the devset.
func BenchmarkClassify(b *testing.B) {
	cl, err := New(config.Default().Classify)
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open("testdata/devset.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	set, err := ReadLabelled(f)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		cl.Classify(set[n%len(set)].Item)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "items/s")
}
