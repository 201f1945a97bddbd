package dedup

import (
	"slices"

	"github.com/bakenhub/baken/pkg/textnorm"
)

// Facts tell apart texts built from one template: the crime figures of
// November and December ("stijgt met 3%" and "stijgt met 2%"), one
// announcement for two dates or two municipalities. Each run of fact words
// ("1 februari 2024", "Midden-Nederland", "45") is kept twice, once with the
// two words before it and once with the two words after it as its context:
// context<<32 | value. Two texts conflict when they share a context but no
// value for it. A repost with a new intro, a closing line or a cut adds or
// drops facts in contexts of its own, and conflicts with nothing.

// placesContext is the context of the municipalities classify found: two
// items about different places are different news.
var placesContext = uint32(fnvOffset.add("\x00places").sum() >> 32)

// facts lists the facts of toks and of places, sorted, each once.
func facts(toks []token, places []string) []uint64 {
	var out []uint64
	for i := 0; i < len(toks); {
		if !toks[i].fact {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && toks[j].fact && toks[j].sentence == toks[i].sentence {
			j++
		}
		// A run at the end of the text may have been cut short (a summary
		// that stops at "op 12"): it proves nothing. A context lies within
		// the fact's sentence (the title is one of its own), and holds
		// whether the fact is a figure or date or a name: "de politie 150"
		// and "de politie Oost-Nederland" are not one slot filled twice.
		if j+2 <= len(toks) {
			s := toks[i].sentence
			v := fnvOffset
			for _, t := range toks[i:j] {
				v = v.add(t.word)
			}
			val := v.sum()
			kind := "\x00name"
			if toks[i].number {
				kind = "\x00number"
			}
			if toks[j+1].sentence == s {
				out = append(out, fact(fnvOffset.add("\x00after").add(kind).add(toks[j].word).add(toks[j+1].word).sum(), val))
			}
			if i >= 2 && toks[i-2].sentence == s {
				out = append(out, fact(fnvOffset.add("\x00before").add(kind).add(toks[i-2].word).add(toks[i-1].word).sum(), val))
			}
		}
		i = j
	}
	for _, p := range places {
		out = append(out, uint64(placesContext)<<32|fnvOffset.add(textnorm.Fold(p)).sum()>>32)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func fact(context, value uint64) uint64 { return context&^(1<<32-1) | value>>32 }

// conflicts reports whether a and b, sorted fact lists, state different
// facts in the same context.
func conflicts(a, b []uint64) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i]>>32, b[j]>>32
		switch {
		case ca < cb:
			i++
		case cb < ca:
			j++
		default:
			ei, ej := i, j
			for ei < len(a) && a[ei]>>32 == ca {
				ei++
			}
			for ej < len(b) && b[ej]>>32 == ca {
				ej++
			}
			if common(a[i:ei], b[j:ej]) == 0 {
				return true
			}
			i, j = ei, ej
		}
	}
	return false
}
