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
	"slices"
	"strings"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/services/classify"
)

func main() {
	verbose := flag.Bool("v", false, "list every wrong label")
	audit := flag.Bool("audit", false, "list per taxonomy term the items whose themes change without it")
	flag.Parse()
	paths := flag.Args()
	if len(paths) == 0 {
		paths = []string{"testdata/devset.jsonl", "testdata/devset-real.jsonl"}
	}
	run := run
	if *audit {
		run = func(paths []string, _ bool) error { return auditTerms(paths) }
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

// auditTerms takes each term out of the taxonomy in turn and prints the
// items whose themes change: a term that decides a single item may exist for
// that item only.
func auditTerms(paths []string) error {
	cl, err := classify.New(config.Default().Classify)
	if err != nil {
		return err
	}
	var set []classify.Labelled
	for _, path := range paths {
		s, err := read(path)
		if err != nil {
			return err
		}
		set = append(set, s...)
	}
	themesOf := func(c *classify.Classifier, l classify.Labelled) string {
		var ids []string
		for _, t := range c.Classify(l.Item).Themes {
			ids = append(ids, t.ID)
		}
		return strings.Join(ids, ",")
	}
	base := make([]string, len(set))
	for i, l := range set {
		base[i] = themesOf(cl, l)
	}
	tax := cl.Taxonomy()
	for ti, th := range tax.Themes {
		for _, list := range []map[string]classify.Term{th.Terms, th.English} {
			for label := range list {
				spec := list[label]
				delete(list, label)
				c := classify.NewWith(tax, cl.Gazetteer())
				var changed []string
				for i, l := range set {
					if got := themesOf(c, l); got != base[i] {
						changed = append(changed, l.ID+" "+verdict(l, th.ID, got))
					}
				}
				list[label] = spec
				if len(changed) > 0 {
					fmt.Printf("%d %s %q: %s\n", len(changed), tax.Themes[ti].ID, label, strings.Join(changed, "; "))
				}
			}
		}
	}
	return nil
}

// verdict says whether losing the theme id makes an item right or wrong.
func verdict(l classify.Labelled, id, got string) string {
	has := slices.Contains(strings.Split(got, ","), id)
	want := slices.Contains(l.WantThemes, id)
	switch {
	case slices.Contains(l.OptionalThemes, id):
		return "(optional)"
	case has == want:
		return "(right without)"
	}
	return "(wrong without)"
}
