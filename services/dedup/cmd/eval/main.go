// Command eval runs the labelled development set through the duplicate
// detection of the dedup stage, in arrival order, and prints pair precision
// and recall, and per kind of copy or look-alike how many items were placed
// right.
//
//	go run ./cmd/eval [-v] [testdata/devset.jsonl]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/bakenhub/baken/services/dedup"
)

func main() {
	verbose := flag.Bool("v", false, "list every item placed wrong")
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
	set, err := dedup.ReadLabelled(f)
	if err != nil {
		return err
	}
	rep, err := dedup.Evaluate(set)
	if err != nil {
		return err
	}
	fmt.Printf("dedup: %s, ", path)
	rep.Print(os.Stdout)
	if verbose {
		fmt.Println()
		for _, e := range rep.Errors {
			fmt.Println(" ", e)
		}
	}
	return nil
}
