package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/services/classify"
)

// backtestCmd classifies the raw items of a period with the current and a
// proposed taxonomy or gazetteer and prints which items would gain or lose
// which theme or district. It changes nothing.
func backtestCmd(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("backtest", flag.ExitOnError)
	taxonomy := fs.String("taxonomy", "", "proposed taxonomy `file`")
	gazetteer := fs.String("gazetteer", "", "proposed gazetteer `file` (gemeenten.csv format)")
	rf := addRawFlags(fs)
	_ = fs.Parse(args)
	if *taxonomy == "" && *gazetteer == "" {
		return fmt.Errorf("backtest: give --taxonomy FILE and/or --gazetteer FILE")
	}
	cfg, ctx, js, done, err := rf.open()
	if err != nil {
		return err
	}
	defer done()
	current, err := classify.New(cfg.Classify)
	if err != nil {
		return err
	}
	proposed := cfg.Classify
	if *taxonomy != "" {
		proposed.Taxonomy = *taxonomy
	}
	if *gazetteer != "" {
		proposed.Gazetteer = *gazetteer
	}
	next, err := classify.New(proposed)
	if err != nil {
		return err
	}

	seen := map[string]bool{}
	var diffs []itemDiff
	n, err := readRaw(ctx, js, *rf.since, func(it item.Item) error {
		if seen[it.ID] {
			return nil // a later version follows; compare each item once
		}
		seen[it.ID] = true
		if d := compare(it, current.Classify(it), next.Classify(it)); d.changed() {
			diffs = append(diffs, d)
		}
		return nil
	})
	if err != nil {
		return err
	}
	printDiffs(out, n, len(seen), diffs)
	return nil
}

// itemDiff is what a proposed change does to one item.
type itemDiff struct {
	id, title                      string
	gainedThemes, lostThemes       []string
	gainedDistricts, lostDistricts []string
}

func (d itemDiff) changed() bool {
	return len(d.gainedThemes)+len(d.lostThemes)+len(d.gainedDistricts)+len(d.lostDistricts) > 0
}

func compare(it item.Item, before, after classify.Result) itemDiff {
	ids := func(r classify.Result) []string {
		var out []string
		for _, t := range r.Themes {
			out = append(out, t.ID)
		}
		return out
	}
	return itemDiff{
		id: it.ID, title: it.Title,
		gainedThemes:    minus(ids(after), ids(before)),
		lostThemes:      minus(ids(before), ids(after)),
		gainedDistricts: minus(after.Districts, before.Districts),
		lostDistricts:   minus(before.Districts, after.Districts),
	}
}

// minus is a without b.
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

func printDiffs(out io.Writer, read, items int, diffs []itemDiff) {
	fmt.Fprintf(out, "backtest: %d raw messages, %d items, %d would change\n\n", read, items, len(diffs))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "item\tthemes\tdistricts\ttitle")
	gained, lost := map[string]int{}, map[string]int{}
	for _, d := range diffs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.id[:12], signed(d.gainedThemes, d.lostThemes), signed(d.gainedDistricts, d.lostDistricts), d.title)
		for _, t := range d.gainedThemes {
			gained[t]++
		}
		for _, t := range d.lostThemes {
			lost[t]++
		}
	}
	tw.Flush()
	if len(gained)+len(lost) == 0 {
		return
	}
	fmt.Fprintln(out)
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "theme\tgained\tlost\t")
	var themes []string
	for t := range gained {
		themes = append(themes, t)
	}
	for t := range lost {
		if gained[t] == 0 {
			themes = append(themes, t)
		}
	}
	slices.Sort(themes)
	for _, t := range themes {
		fmt.Fprintf(tw, "%s\t%d\t%d\t\n", t, gained[t], lost[t])
	}
	tw.Flush()
}

func signed(plus, minus []string) string {
	var parts []string
	for _, s := range plus {
		parts = append(parts, "+"+s)
	}
	for _, s := range minus {
		parts = append(parts, "-"+s)
	}
	if len(parts) == 0 {
		return "="
	}
	return fmt.Sprint(parts)
}
