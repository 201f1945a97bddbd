package dedup

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
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

// labelledJSON also reads the real devset's spelling: "group" for story,
// "link" for url.
type labelledJSON struct {
	item.Item
	Story string `json:"story"`
	Group string `json:"group"`
	Kind  string `json:"kind"`
	Link  string `json:"link"`
}

// ReadLabelled reads a development set in JSON Lines.
func ReadLabelled(r io.Reader) ([]Labelled, error) {
	var set []Labelled
	dec := json.NewDecoder(r)
	for n := 1; ; n++ {
		var raw labelledJSON
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return set, nil
		}
		if err != nil {
			return nil, fmt.Errorf("devset item %d: %w", n, err)
		}
		l := Labelled{Item: raw.Item, Story: cmp.Or(raw.Story, raw.Group), Kind: raw.Kind}
		if l.URL == "" {
			l.URL = raw.Link
		}
		if raw.Group != "" {
			l.ID = "" // the real devset's ids are labels: derive the item's own
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
	// Pairs are copies: pairs merged into one item (duplicate_of).
	Pairs PairCounts
	// PairKinds splits Pairs by the kind of the later item of a same-story
	// pair (a merged pair of two stories counts under "lookalike" when
	// either item is one).
	PairKinds map[string]*PairCounts
	// StoryPairs are pairs told as one story: merged, or grouped as
	// independent reports of one event; StoryKinds splits them as
	// PairKinds does.
	StoryPairs PairCounts
	StoryKinds map[string]*PairCounts
	// Kinds counts per kind the items placed right: a copy merged into its
	// story, a first item (original or look-alike) kept apart.
	Kinds  map[string][2]int // kind -> {right, items}
	Errors []string
}

// pairKind is the row a pair of items counts under.
func pairKind(earlier, later Labelled) string {
	if strings.HasPrefix(earlier.Kind, "lookalike") || strings.HasPrefix(later.Kind, "lookalike") {
		return "lookalike"
	}
	return later.Kind
}

// Evaluate runs the set through a new Matcher in order and compares the
// stories it finds with the labels.
func Evaluate(set []Labelled) (Report, error) {
	m := NewMatcher()
	rep := Report{Items: len(set), Kinds: map[string][2]int{}, PairKinds: map[string]*PairCounts{}, StoryKinds: map[string]*PairCounts{}}
	cluster := make([]string, len(set)) // canonical id per item
	story := make([]string, len(set))   // story id per item
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
		story[i] = cmp.Or(r.Story, cluster[i])
		first, seen := stories[l.Story]
		if !seen {
			stories[l.Story] = i
		}
		right := !slices.Contains(story[:i], story[i]) // a first item stays apart
		if seen {
			right = story[i] == story[first] // a copy or rewrite joins its story
		}
		k := rep.Kinds[l.Kind]
		k[1]++
		if right {
			k[0]++
		} else {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s %s (%s, %s): duplicate_of %q, story %q, similarity %.2f",
				l.Story, l.Kind, l.Source, l.Title, r.DuplicateOf, r.Story, r.Similarity))
		}
		rep.Kinds[l.Kind] = k
	}
	rep.Stories = len(stories)
	for i := range set {
		for j := range i {
			same := set[i].Story == set[j].Story
			kind := pairKind(set[j], set[i])
			for _, m := range []map[string]*PairCounts{rep.PairKinds, rep.StoryKinds} {
				if m[kind] == nil {
					m[kind] = &PairCounts{}
				}
			}
			count(&rep.Pairs, same, cluster[i] == cluster[j])
			count(rep.PairKinds[kind], same, cluster[i] == cluster[j])
			count(&rep.StoryPairs, same, story[i] == story[j])
			count(rep.StoryKinds[kind], same, story[i] == story[j])
		}
	}
	return rep, nil
}

func count(c *PairCounts, same, joined bool) {
	switch {
	case same && joined:
		c.TP++
	case joined:
		c.FP++
	case same:
		c.FN++
	}
}

// Print writes the report as two tables: pairs, then items per kind.
func (rep Report) Print(w io.Writer) {
	PrintSideBySide(w, []string{""}, []Report{rep})
}

// PrintSideBySide writes several reports (one per development set, named by
// names) as tables with a column group per set: copy pairs overall and per
// kind, story pairs, then items placed right per kind.
func PrintSideBySide(w io.Writer, names []string, reps []Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "pairs\t"
	for _, n := range names {
		if n != "" {
			n += " "
		}
		head += n + "TP\t" + n + "FP\t" + n + "FN\t" + n + "P\t" + n + "R\t"
	}
	fmt.Fprintln(tw, head)
	row := func(label string, pc func(Report) *PairCounts) {
		line := label + "\t"
		for _, rep := range reps {
			if c := pc(rep); c != nil {
				line += fmt.Sprintf("%d\t%d\t%d\t%.2f\t%.2f\t", c.TP, c.FP, c.FN, c.Precision(), c.Recall())
			} else {
				line += "\t\t\t\t\t"
			}
		}
		fmt.Fprintln(tw, line)
	}
	row("copies (merged)", func(r Report) *PairCounts { return &r.Pairs })
	var kinds []string
	for _, rep := range reps {
		for k := range rep.PairKinds {
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		row("  "+k, func(r Report) *PairCounts { return r.PairKinds[k] })
	}
	row("stories (merged or grouped)", func(r Report) *PairCounts { return &r.StoryPairs })
	for _, k := range kinds {
		row("  "+k, func(r Report) *PairCounts { return r.StoryKinds[k] })
	}
	tw.Flush()
	fmt.Fprintln(w)
	var itemKinds []string
	for _, rep := range reps {
		for k := range rep.Kinds {
			if !slices.Contains(itemKinds, k) {
				itemKinds = append(itemKinds, k)
			}
		}
	}
	slices.Sort(itemKinds)
	head = "items placed right\t"
	for _, n := range names {
		head += n + "\t"
	}
	fmt.Fprintln(tw, head)
	for _, k := range itemKinds {
		line := k + "\t"
		for _, rep := range reps {
			if v, ok := rep.Kinds[k]; ok {
				line += fmt.Sprintf("%d/%d\t", v[0], v[1])
			} else {
				line += "\t"
			}
		}
		fmt.Fprintln(tw, line)
	}
	line := "stories/items\t"
	for _, rep := range reps {
		line += fmt.Sprintf("%d/%d\t", rep.Stories, rep.Items)
	}
	fmt.Fprintln(tw, line)
	tw.Flush()
}
