package dedup

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/bakenhub/baken/pkg/item"
)

// Labelled is one item of the development set, in arrival order: the item
// as classify hands it to dedup (its id is derived as ingest would when
// missing), the story it tells, and how it was made from the story's first
// item ("original", "new-intro", "cut-summary", "lookalike-figures", ...).
type Labelled struct {
	item.Item
	Story string `json:"story"`
	Kind  string `json:"kind"`
}

// ReadLabelled reads a development set in JSON Lines.
func ReadLabelled(r io.Reader) ([]Labelled, error) {
	var set []Labelled
	dec := json.NewDecoder(r)
	for n := 1; ; n++ {
		var l Labelled
		err := dec.Decode(&l)
		if errors.Is(err, io.EOF) {
			return set, nil
		}
		if err != nil {
			return nil, fmt.Errorf("devset item %d: %w", n, err)
		}
		if l.Story == "" {
			return nil, fmt.Errorf("devset item %d: no story", n)
		}
		if l.Item, err = WithID(l.Item); err != nil {
			return nil, fmt.Errorf("devset item %d: %w", n, err)
		}
		set = append(set, l)
	}
}

// PairCounts count pairs of items: told as one story by the Matcher and by
// the labels (TP), by the Matcher only (FP), by the labels only (FN).
type PairCounts struct{ TP, FP, FN int }

// Precision is the share of merged pairs that are one story (1 when none
// were merged).
func (c PairCounts) Precision() float64 { return share(c.TP, c.TP+c.FP) }

// Recall is the share of same-story pairs that were merged.
func (c PairCounts) Recall() float64 { return share(c.TP, c.TP+c.FN) }

func share(n, of int) float64 {
	if of == 0 {
		return 1
	}
	return float64(n) / float64(of)
}

// Report is the outcome of deduplicating a development set.
type Report struct {
	Items, Stories int
	Pairs          PairCounts
	// Kinds counts per kind the items placed right: a copy merged into its
	// story, a first item (original or look-alike) kept apart.
	Kinds  map[string][2]int // kind -> {right, items}
	Errors []string
}

// Evaluate runs the set through a new Matcher in order and compares the
// stories it finds with the labels.
func Evaluate(set []Labelled) (Report, error) {
	m := NewMatcher()
	rep := Report{Items: len(set), Kinds: map[string][2]int{}}
	cluster := make([]string, len(set)) // canonical id per item
	stories := map[string]int{}         // story -> its first item
	for i, l := range set {
		r, err := m.Add(l.Item)
		if err != nil {
			return rep, err
		}
		cluster[i] = r.ID
		if r.DuplicateOf != "" {
			cluster[i] = r.DuplicateOf
		}
		first, seen := stories[l.Story]
		if !seen {
			stories[l.Story] = i
		}
		right := !slices.Contains(cluster[:i], cluster[i]) // a first item stays apart
		if seen {
			right = cluster[i] == cluster[first] // a copy joins its story
		}
		k := rep.Kinds[l.Kind]
		k[1]++
		if right {
			k[0]++
		} else {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s %s (%s, %s): duplicate_of %q, similarity %.2f",
				l.Story, l.Kind, l.Source, l.Title, r.DuplicateOf, r.Similarity))
		}
		rep.Kinds[l.Kind] = k
	}
	rep.Stories = len(stories)
	for i := range set {
		for j := range i {
			same, merged := set[i].Story == set[j].Story, cluster[i] == cluster[j]
			switch {
			case same && merged:
				rep.Pairs.TP++
			case merged:
				rep.Pairs.FP++
			case same:
				rep.Pairs.FN++
			}
		}
	}
	return rep, nil
}

// Print writes the report as two tables: pairs, then items per kind.
func (rep Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	c := rep.Pairs
	fmt.Fprintf(w, "%d items, %d stories\n\n", rep.Items, rep.Stories)
	fmt.Fprintln(tw, "pairs\tTP\tFP\tFN\tprecision\trecall\t")
	fmt.Fprintf(tw, "same story\t%d\t%d\t%d\t%.2f\t%.2f\t\n", c.TP, c.FP, c.FN, c.Precision(), c.Recall())
	tw.Flush()
	fmt.Fprintln(w)
	kinds := make([]string, 0, len(rep.Kinds))
	for k := range rep.Kinds {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	fmt.Fprintln(tw, "kind\tright\titems\t")
	for _, k := range kinds {
		fmt.Fprintf(tw, "%s\t%d\t%d\t\n", k, rep.Kinds[k][0], rep.Kinds[k][1])
	}
	tw.Flush()
}
