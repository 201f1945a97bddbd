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
	WantThemes []string `json:"themes"`
	// OptionalThemes are defensible but not required: predicting one is
	// neither a hit nor a miss.
	OptionalThemes []string `json:"optional"`
	WantPlaces     []string `json:"places"`
	// WantDistricts, when the set gives none, are those of WantPlaces.
	WantDistricts []string `json:"districts"`
	Note          string   `json:"note"`
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
			Optional  []string `json:"optional"`
			Places    []string `json:"places"`
			Districts []string `json:"districts"`
			Note      string   `json:"note"`
		}
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			return nil, fmt.Errorf("devset line %d: %w", line, err)
		}
		l := Labelled{Item: raw.Item, WantThemes: raw.Themes, OptionalThemes: raw.Optional, WantPlaces: raw.Places, WantDistricts: raw.Districts, Note: raw.Note}
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
			case !w && slices.Contains(l.OptionalThemes, id):
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
		wantDistricts := l.WantDistricts
		if wantDistricts == nil {
			wantDistricts = c.districtsOf(l.WantPlaces, l.Home)
		}
		if sameSet(r.Districts, wantDistricts) {
			rep.DistrictsExact++
		} else {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: districts %q, want %q", l.ID, r.Districts, wantDistricts))
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

// districtsOf are the districts of places, else home.
func (c *Classifier) districtsOf(places []string, home string) []string {
	var ds []string
	for _, p := range places {
		if m, ok := c.gaz.Municipality(p); ok {
			ds = appendNew(ds, c.gaz.DistrictOf(m))
		}
	}
	if len(ds) == 0 && home != "" {
		ds = []string{home}
	}
	return ds
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
	PrintSideBySide(w, ids, []string{""}, []Report{rep})
}

// PrintSideBySide writes several reports (one per development set, named by
// names) as one table: per theme precision, recall and F1 of each.
func PrintSideBySide(w io.Writer, ids, names []string, reps []Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "theme\t"
	for _, n := range names {
		if n != "" {
			n += " "
		}
		head += n + "P\t" + n + "R\t" + n + "F1\t"
	}
	fmt.Fprintln(tw, head)
	row := func(label string, cnt func(Report) Counts) {
		line := label + "\t"
		for _, rep := range reps {
			c := cnt(rep)
			line += fmt.Sprintf("%.2f\t%.2f\t%.2f\t", c.Precision(), c.Recall(), c.F1())
		}
		fmt.Fprintln(tw, line)
	}
	for _, id := range ids {
		row(id, func(r Report) Counts { return *r.Themes[id] })
	}
	row("micro-average", func(r Report) Counts { return r.Micro })
	tw.Flush()
	fmt.Fprintln(w)
	for i, rep := range reps {
		name := names[i]
		if name != "" {
			name = " (" + name + ")"
		}
		fmt.Fprintf(w, "places exactly right%s:    %d/%d items (%.1f%%)\n", name, rep.PlacesExact, rep.Items, 100*ratio(rep.PlacesExact, rep.Items))
		fmt.Fprintf(w, "districts exactly right%s: %d/%d items (%.1f%%)\n", name, rep.DistrictsExact, rep.Items, 100*ratio(rep.DistrictsExact, rep.Items))
	}
}
