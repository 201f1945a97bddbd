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
		// that stops at "op 12"): it proves nothing.
		if j+2 <= len(toks) {
			v := fnvOffset
			for _, t := range toks[i:j] {
				v = v.add(t.word)
			}
			val := v.sum()
			out = append(out, fact(fnvOffset.add("\x00after").add(toks[j].word).add(toks[j+1].word).sum(), val))
			if i >= 2 {
				out = append(out, fact(fnvOffset.add("\x00before").add(toks[i-2].word).add(toks[i-1].word).sum(), val))
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
