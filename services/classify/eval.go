package classify

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"text/tabwriter"

	"github.com/bakenhub/baken/pkg/item"
)

// Labelled is one item of a development set with its true labels.
type Labelled struct {
	item.Item
	WantThemes    []string `json:"themes"`
	WantPlaces    []string `json:"places"`
	WantDistricts []string `json:"districts"`
}

// ReadLabelled reads a development set in JSON Lines.
func ReadLabelled(r io.Reader) ([]Labelled, error) {
	var set []Labelled
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var raw struct {
			item.Item
			Themes    []string `json:"themes"`
			Places    []string `json:"places"`
			Districts []string `json:"districts"`
		}
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			return nil, fmt.Errorf("devset line %d: %w", line, err)
		}
		l := Labelled{Item: raw.Item, WantThemes: raw.Themes, WantPlaces: raw.Places, WantDistricts: raw.Districts}
		l.Item.Themes = nil
		set = append(set, l)
	}
	return set, sc.Err()
}

// Counts are true positives, false positives and false negatives.
type Counts struct{ TP, FP, FN int }

func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }
func (c Counts) Recall() float64    { return ratio(c.TP, c.TP+c.FN) }
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Report is the outcome of classifying a development set.
type Report struct {
	Themes         map[string]*Counts
	Micro          Counts
	Items          int
	PlacesExact    int // items whose places are exactly right
	DistrictsExact int
	Errors         []string // one line per wrong item, for tuning
}

// Evaluate classifies every item of set and compares with its labels.
func Evaluate(c *Classifier, set []Labelled) Report {
	rep := Report{Themes: map[string]*Counts{}, Items: len(set)}
	for _, id := range c.tax.IDs() {
		rep.Themes[id] = &Counts{}
	}
	for _, l := range set {
		r := c.Classify(l.Item)
		got := make([]string, len(r.Themes))
		for i, t := range r.Themes {
			got[i] = t.ID
		}
		for id, cnt := range rep.Themes {
			g, w := slices.Contains(got, id), slices.Contains(l.WantThemes, id)
			switch {
			case g && w:
				cnt.TP++
			case g:
				cnt.FP++
				rep.Errors = append(rep.Errors, fmt.Sprintf("%s: extra theme %s %v", l.ID, id, matchedOf(r, id)))
			case w:
				cnt.FN++
				rep.Errors = append(rep.Errors, fmt.Sprintf("%s: missing theme %s", l.ID, id))
			}
		}
		if sameSet(r.Places, l.WantPlaces) {
			rep.PlacesExact++
		} else {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: places %q, want %q", l.ID, r.Places, l.WantPlaces))
		}
		if sameSet(r.Districts, l.WantDistricts) {
			rep.DistrictsExact++
		} else {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: districts %q, want %q", l.ID, r.Districts, l.WantDistricts))
		}
	}
	for _, cnt := range rep.Themes {
		rep.Micro.TP += cnt.TP
		rep.Micro.FP += cnt.FP
		rep.Micro.FN += cnt.FN
	}
	sort.Strings(rep.Errors)
	return rep
}

func matchedOf(r Result, id string) []string {
	for _, t := range r.Themes {
		if t.ID == id {
			return t.Matched
		}
	}
	return nil
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// Print writes the report as a table.
func (rep Report) Print(w io.Writer, ids []string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "theme\tTP\tFP\tFN\tprecision\trecall\tF1\t")
	for _, id := range ids {
		c := rep.Themes[id]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t\n", id, c.TP, c.FP, c.FN, c.Precision(), c.Recall(), c.F1())
	}
	c := rep.Micro
	fmt.Fprintf(tw, "micro-average\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t\n", c.TP, c.FP, c.FN, c.Precision(), c.Recall(), c.F1())
	tw.Flush()
	fmt.Fprintf(w, "\nplaces exactly right:    %d/%d items (%.1f%%)\n", rep.PlacesExact, rep.Items, 100*ratio(rep.PlacesExact, rep.Items))
	fmt.Fprintf(w, "districts exactly right: %d/%d items (%.1f%%)\n", rep.DistrictsExact, rep.Items, 100*ratio(rep.DistrictsExact, rep.Items))
}
