// Command eval runs labelled development sets through the duplicate and
// story detection of the dedup stage, in arrival order, and prints side by
// side pair precision and recall (copies per kind, and stories) and per kind
// of copy or look-alike how many items were placed right.
//
//	go run ./cmd/eval [-v] [testdata/devset.jsonl testdata/devset-real.jsonl]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bakenhub/baken/services/dedup"
)

func main() {
	verbose := flag.Bool("v", false, "list every item placed wrong")
	flag.Parse()
	paths := flag.Args()
	if len(paths) == 0 {
		paths = []string{"testdata/devset.jsonl", "testdata/devset-real.jsonl"}
	}
	if err := run(paths, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(1)
	}
}

func run(paths []string, verbose bool) error {
	var names []string
	var reps []dedup.Report
	for _, path := range paths {
		set, err := read(path)
		if err != nil {
			return err
		}
		rep, err := dedup.Evaluate(set)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(filepath.Base(path), ".jsonl")
		fmt.Printf("dedup: %s = %s, %d items\n", name, path, len(set))
		names = append(names, name)
		reps = append(reps, rep)
	}
	fmt.Println()
	dedup.PrintSideBySide(os.Stdout, names, reps)
	if verbose {
		for i, rep := range reps {
			fmt.Printf("\n%s:\n", names[i])
			for _, e := range rep.Errors {
				fmt.Println(" ", e)
			}
		}
	}
	return nil
}

func read(path string) ([]dedup.Labelled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return dedup.ReadLabelled(f)
}
