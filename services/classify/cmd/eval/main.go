// Command eval classifies labelled development sets and prints, side by side,
// precision, recall and F1 per theme, the micro-average, and place and
// district accuracy of each.
//
//	go run ./cmd/eval [-v] [testdata/devset.jsonl testdata/devset-real.jsonl]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/services/classify"
)

func main() {
	verbose := flag.Bool("v", false, "list every wrong label")
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
	cl, err := classify.New(config.Default().Classify)
	if err != nil {
		return err
	}
	var names []string
	var reps []classify.Report
	for _, path := range paths {
		set, err := read(path)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(filepath.Base(path), ".jsonl")
		fmt.Printf("classify: %s = %s, %d items\n", name, path, len(set))
		names = append(names, name)
		reps = append(reps, classify.Evaluate(cl, set))
	}
	fmt.Println()
	classify.PrintSideBySide(os.Stdout, cl.Taxonomy().IDs(), names, reps)
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

func read(path string) ([]classify.Labelled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return classify.ReadLabelled(f)
}
