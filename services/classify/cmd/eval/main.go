// Command eval classifies a labelled development set and prints precision,
// recall and F1 per theme, the micro-average, and place accuracy.
//
//	go run ./cmd/eval [-v] [testdata/devset.jsonl]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/services/classify"
)

func main() {
	verbose := flag.Bool("v", false, "list every wrong label")
	flag.Parse()
	path := "testdata/devset.jsonl"
	if flag.NArg() > 0 {
		path = flag.Arg(0)
	}
	if err := run(path, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(1)
	}
}

func run(path string, verbose bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	set, err := classify.ReadLabelled(f)
	if err != nil {
		return err
	}
	cl, err := classify.New(config.Default().Classify)
	if err != nil {
		return err
	}
	rep := classify.Evaluate(cl, set)
	fmt.Printf("classify: %s, %d items\n\n", path, len(set))
	rep.Print(os.Stdout, cl.Taxonomy().IDs())
	if verbose {
		fmt.Println()
		for _, e := range rep.Errors {
			fmt.Println(" ", e)
		}
	}
	return nil
}
