package classify

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/bakenhub/baken/pkg/item"
)

// themeMatcher finds the terms of a taxonomy in tokenised text. Terms are
// indexed by their first word, so a lookup costs a few map probes per word
// however large the taxonomy is.
type themeMatcher struct {
	tax    *Taxonomy
	whole  map[string][]*term // by stem
	prefix affixTrie
	suffix affixTrie
}

// term is one compiled taxonomy term or exclusion.
type term struct {
	theme   int
	label   string
	words   []pattern
	weight  float64
	exclude bool
}

func newThemeMatcher(tax *Taxonomy, st *stemmer) *themeMatcher {
	m := &themeMatcher{tax: tax, whole: map[string][]*term{}, suffix: affixTrie{reverse: true}}
	for i, th := range tax.Themes {
		for label, w := range th.Terms {
			m.add(&term{theme: i, label: label, words: compilePhrase(label, st), weight: w})
		}
		for _, ex := range th.Exclude {
			m.add(&term{theme: i, label: ex, words: compilePhrase(ex, st), exclude: true})
		}
	}
	return m
}

func (m *themeMatcher) add(t *term) {
	if len(t.words) == 0 {
		return
	}
	first := t.words[0]
	switch first.mode {
	case prefix:
		m.prefix.insert(first.text, t)
	case suffix:
		m.suffix.insert(first.text, t)
	default:
		m.whole[first.text] = append(m.whole[first.text], t)
	}
}

// hit is one occurrence of a term.
type hit struct {
	t          *term
	start, end int // token span
}

// find returns every occurrence of a term in toks.
func (m *themeMatcher) find(toks []token) []hit {
	var hits []hit
	check := func(ts []*term, i int) {
		for _, t := range ts {
			if end, ok := matchAt(t, toks, i); ok {
				hits = append(hits, hit{t, i, end})
			}
		}
	}
	for i := range toks {
		check(m.whole[toks[i].stem], i)
		m.prefix.walk(toks[i].folded, func(ts []*term) { check(ts, i) })
		m.suffix.walk(toks[i].folded, func(ts []*term) { check(ts, i) })
	}
	return hits
}

// matchAt reports whether t's words match from toks[i], and where it ends.
func matchAt(t *term, toks []token, i int) (int, bool) {
	if i+len(t.words) > len(toks) {
		return 0, false
	}
	for k, p := range t.words {
		if !p.matches(&toks[i+k]) {
			return 0, false
		}
	}
	return i + len(t.words), true
}

// titleWeight is how much more a hit in the title counts than one in the body.
const titleWeight = 2

// score adds up the hits per theme; exclusions cancel the hits they cover.
// A term counts once per item, at its best weight: repetition adds nothing.
func (m *themeMatcher) score(title, body []token) []item.Theme {
	type key struct {
		theme int
		label string
	}
	best := map[key]float64{}
	for field, toks := range [][]token{title, body} {
		factor := 1.0
		if field == 0 {
			factor = titleWeight
		}
		hits := m.find(toks)
		for _, h := range hits {
			if h.t.exclude || excluded(h, hits) {
				continue
			}
			k := key{h.t.theme, h.t.label}
			best[k] = max(best[k], h.t.weight*factor)
		}
	}
	scores := make([]float64, len(m.tax.Themes))
	weights := make([]map[string]float64, len(m.tax.Themes))
	for k, w := range best {
		scores[k.theme] += w
		if weights[k.theme] == nil {
			weights[k.theme] = map[string]float64{}
		}
		weights[k.theme][k.label] += w
	}
	var themes []item.Theme
	for i, th := range m.tax.Themes {
		if scores[i] < th.Threshold {
			continue
		}
		matched := slices.Collect(maps.Keys(weights[i]))
		// Strongest evidence first, so an editor sees why at a glance.
		slices.SortFunc(matched, func(a, b string) int {
			if c := cmp.Compare(weights[i][b], weights[i][a]); c != 0 {
				return c
			}
			return strings.Compare(a, b)
		})
		themes = append(themes, item.Theme{ID: th.ID, Score: math.Round(scores[i]*100) / 100, Matched: matched})
	}
	return themes
}

// excluded reports whether an exclusion of the same theme covers h.
func excluded(h hit, hits []hit) bool {
	for _, x := range hits {
		if x.t.exclude && x.t.theme == h.t.theme && x.start <= h.start && h.end <= x.end {
			return true
		}
	}
	return false
}
