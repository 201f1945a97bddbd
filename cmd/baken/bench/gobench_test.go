package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goTestOutput is shaped like the output make bench collects.
const goTestOutput = `goos: linux
goarch: amd64
pkg: github.com/bakenhub/baken/services/classify
cpu: AMD EPYC
BenchmarkClassify 	   78573	     29466 ns/op	     33938 items/s
BenchmarkClassify 	   79690	     29647 ns/op	     33730 items/s
BenchmarkClassify 	   82442	     29925 ns/op	     33417 items/s
PASS
ok  	github.com/bakenhub/baken/services/classify	7.173s
pkg: github.com/bakenhub/baken/services/dedup
BenchmarkLookupInsert/stored=10000-2         	   20000	      2066 ns/op	      3474 B/stored	      2066 ns/item
BenchmarkLookupInsert/stored=100000-2        	   20000	      5889 ns/op	      3224 B/stored	      5889 ns/item
BenchmarkLookupInsert/stored=1000000-2       	   20000	     16494 ns/op	      3569 B/stored	     16494 ns/item
PASS
`

func TestGoBenchRows(t *testing.T) {
	tests := []struct {
		name   string
		output string
		want   []string // figure: met
	}{
		{"both", goTestOutput, []string{"classify, one core: true", "dedup index memory, 1,000,000 stored: true", "dedup lookup+insert, 1,000,000 stored: true"}},
		{"index grows", strings.Replace(goTestOutput, "3569 B/stored", "9000 B/stored", 1), []string{"classify, one core: true", "dedup index memory, 1,000,000 stored: false", "dedup lookup+insert, 1,000,000 stored: true"}},
		{"classify slow, no index", "BenchmarkClassify 	   78573	     66000 ns/op	     15000 items/s\n", []string{"classify, one core: false"}},
		{"nothing", "FAIL\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "go-bench.txt")
			if err := os.WriteFile(path, []byte(tt.output), 0o644); err != nil {
				t.Fatal(err)
			}
			b := &board{}
			if err := goBenchRows(b, path); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range b.rows {
				got = append(got, r.Figure+": "+map[bool]string{true: "true", false: "false"}[r.Met])
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
	if v, _ := mustRead(t).median(classifyBench, "items/s"); v != 33730 {
		t.Errorf("classify median %v, want 33730", v)
	}
}

func mustRead(t *testing.T) goBench {
	t.Helper()
	g, err := readGoBench(strings.NewReader(goTestOutput))
	if err != nil {
		t.Fatal(err)
	}
	return g
}
