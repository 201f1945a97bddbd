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
	infix  []*term
	// split finds one-word terms written as two words ("WhatsApp-fraude",
	// "WhatsApp fraude" for whatsappfraude), by the first word.
	split map[string][]splitTerm
}

// term is one compiled taxonomy term or exclusion.
type term struct {
	theme   int
	label   string
	words   []pattern
	weight  float64
	exclude bool
	lang    string      // "nl", "en" or "" (any)
	support Support     // counts only with support (see Term)
	near    [][]pattern // words that support it close by
}

// splitTerm is a one-word term whose first rest bytes start the next word.
type splitTerm struct {
	t    *term
	rest pattern
}

func newThemeMatcher(tax *Taxonomy, st *stemmer) *themeMatcher {
	m := &themeMatcher{tax: tax, whole: map[string][]*term{}, suffix: affixTrie{reverse: true}, split: map[string][]splitTerm{}}
	for i, th := range tax.Themes {
		for _, list := range []struct {
			terms map[string]Term
			lang  string
		}{{th.Terms, "nl"}, {th.English, "en"}} {
			for label, spec := range list.terms {
				t := &term{theme: i, label: label, words: compilePhrase(label, st), weight: spec.Weight, lang: cmp.Or(spec.Lang, list.lang), support: spec.Support}
				if t.lang == "any" {
					t.lang = ""
				}
				for _, n := range spec.Near {
					t.near = append(t.near, compilePhrase(n, st))
				}
				m.add(t, st)
			}
		}
		for _, ex := range th.Exclude {
			m.add(&term{theme: i, label: ex, words: compilePhrase(ex, st), exclude: true}, st)
		}
	}
	return m
}

// minSplit is the shortest part of a one-word term written as two words.
const minSplit = 4

func (m *themeMatcher) add(t *term, st *stemmer) {
	if len(t.words) == 0 {
		return
	}
	first := t.words[0]
	switch first.mode {
	case prefix:
		m.prefix.insert(first.text, t)
	case suffix:
		m.suffix.insert(first.text, t)
	case infix:
		m.infix = append(m.infix, t)
	default:
		m.whole[first.text] = append(m.whole[first.text], t)
	}
	switch {
	case len(t.words) == 1 && (first.mode == whole || first.mode == prefix) && len(first.text) >= 2*minSplit:
		// "whatsappfraude" also as "whatsapp fraude" and "WhatsApp-fraude".
		text := first.text
		for k := minSplit; k <= len(text)-minSplit; k++ {
			rest := pattern{text: text[k:], mode: first.mode}
			m.split[text[:k]] = append(m.split[text[:k]], splitTerm{t, rest})
		}
	case len(t.words) == 2 && t.words[0].mode == whole && t.words[1].mode != suffix && t.words[0].word != "":
		// "online fraude" also as "onlinefraude".
		joined := &term{theme: t.theme, label: t.label, weight: t.weight, exclude: t.exclude, lang: t.lang, support: t.support, near: t.near}
		second := t.words[1]
		if second.mode == whole {
			joined.words = []pattern{{text: st.stem(t.words[0].word + second.word), mode: whole}}
			m.whole[joined.words[0].text] = append(m.whole[joined.words[0].text], joined)
		} else {
			joined.words = []pattern{{text: t.words[0].word + second.text, mode: second.mode}}
			if second.mode == prefix {
				m.prefix.insert(joined.words[0].text, joined)
			} else {
				m.infix = append(m.infix, joined)
			}
		}
	}
}

// hit is one occurrence of a term.
type hit struct {
	t          *term
	start, end int // token span
}

// find returns every occurrence of a term of language lang (or of any) in
// toks.
func (m *themeMatcher) find(toks []token, lang string) []hit {
	var hits []hit
	check := func(ts []*term, i int) {
		for _, t := range ts {
			if lang != "" && t.lang != "" && t.lang != lang {
				continue
			}
			if end, ok := matchAt(t, toks, i); ok {
				hits = append(hits, hit{t, i, end})
			}
		}
	}
	for i := range toks {
		check(m.whole[toks[i].stem], i)
		m.prefix.walk(toks[i].folded, func(ts []*term) { check(ts, i) })
		m.suffix.walk(toks[i].folded, func(ts []*term) { check(ts, i) })
		for _, t := range m.infix {
			if strings.Contains(toks[i].folded, t.words[0].text) {
				check([]*term{t}, i)
			}
		}
		if i+1 < len(toks) && !toks[i+1].sentenceStart {
			for _, s := range m.split[toks[i].folded] {
				if (lang == "" || s.t.lang == "" || s.t.lang == lang) && s.rest.matchesSplit(&toks[i+1]) {
					hits = append(hits, hit{s.t, i, i + 2})
				}
			}
		}
	}
	return hits
}

// matchesSplit compares the second part of a split one-word term: a whole
// word's stem, or a prefix of the word.
func (p pattern) matchesSplit(t *token) bool {
	if p.mode == prefix {
		return strings.HasPrefix(t.folded, p.text)
	}
	return t.stem == p.text
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
// A broad term (support) counts only when the title and the text both have
// it, a near word is close to it, or a term of the theme that needs no
// support counts too.
func (m *themeMatcher) score(title, body []token, lang string) []item.Theme {
	type key struct {
		theme int
		label string
	}
	best := map[key]float64{}
	var broad map[key]int // fields a broad term hit in, bit 1 title, 2 body; 4 = near word found
	support := map[key]Support{}
	for field, toks := range [][]token{title, body} {
		factor := 1.0
		if field == 0 {
			factor = titleWeight
		}
		hits := m.find(toks, lang)
		for _, h := range hits {
			if h.t.exclude || excluded(h, hits) {
				continue
			}
			k := key{h.t.theme, h.t.label}
			best[k] = max(best[k], h.t.weight*factor)
			if h.t.support != 0 {
				if broad == nil {
					broad = map[key]int{}
				}
				support[k] = h.t.support
				broad[k] |= 1 << field
				if h.t.support&SupportNear != 0 && nearAny(h, toks) {
					broad[k] |= 4
				}
			}
		}
	}
	if broad != nil {
		supported := make([]bool, len(m.tax.Themes))
		for k := range best {
			if _, ok := broad[k]; !ok {
				supported[k.theme] = true
			}
		}
		for k, f := range broad {
			sup := support[k]
			ok := sup&SupportTerm != 0 && supported[k.theme] ||
				sup&SupportNear != 0 && f&4 != 0 ||
				sup&SupportTitle != 0 && f&3 == 3
			if !ok {
				delete(best, k)
			}
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

// nearAny reports whether one of h's near words is within nearWindow words
// of it, in the same sentence run of toks.
func nearAny(h hit, toks []token) bool {
	if len(h.t.near) == 0 {
		return false
	}
	from, to := h.start, h.end
	for from > 0 && from > h.start-nearWindow && !toks[from].sentenceStart {
		from--
	}
	for to < len(toks) && to < h.end+nearWindow && !toks[to].sentenceStart {
		to++
	}
	for i := from; i < to; i++ {
		if i >= h.start && i < h.end {
			continue
		}
		for _, n := range h.t.near {
			if _, ok := matchAt(&term{words: n}, toks, i); ok {
				return true
			}
		}
	}
	return false
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
