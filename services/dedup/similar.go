package dedup

import (
	"cmp"
	"slices"
)

// A candidate from the index is confirmed on the shingles themselves.
const (
	// minSimilarity is the share of the shorter text's shingles the longer
	// one must have. A repost with a new intro or an extra closing line, or
	// a summary cut from the story, has nearly all of them.
	minSimilarity = 0.7
	// minOpeningSimilarity replaces minSimilarity for texts that begin with
	// the same words (opens): a summary of the story's opening with a
	// closing line of its own, which weighs much in a short text.
	minOpeningSimilarity = 0.5
	// minLengthRatio: a text five times longer than the other is a
	// newsletter quoting it, unless the shorter one begins like the longer
	// one: a teaser cut from a long story.
	minLengthRatio = 0.2
	// minChainSimilarity: a copy of a copy must still share this much with
	// the canonical item (a summary of a repost shares less of the story
	// than the repost did).
	minChainSimilarity = 0.5
)

// similarity is the share of the shorter text's shingles that the longer
// text has too (containment): 1 for a copy, and for a summary cut from the
// story.
func similarity(a, b *Fingerprint) float64 { return containment(a.Shingles, b.Shingles) }

// containment is the share of the smaller of two sorted sets that the other
// one has.
func containment(a, b []uint32) float64 {
	if min(len(a), len(b)) == 0 {
		return 0
	}
	return float64(common(a, b)) / float64(min(len(a), len(b)))
}

// common counts the elements two sorted lists have in common.
func common[T cmp.Ordered](a, b []T) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case b[j] < a[i]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// duplicate reports whether a and b tell the same story, and how similar
// they are: enough shingles in common, comparable lengths, and compatible.
func duplicate(a, b *Fingerprint) (float64, bool) {
	short, long := a, b
	if len(short.Shingles) > len(long.Shingles) {
		short, long = long, short
	}
	if len(short.Shingles) < minShingles {
		return 0, false
	}
	if float64(len(short.Shingles)) < minLengthRatio*float64(len(long.Shingles)) &&
		containment(long.lead(), short.Shingles) < minSimilarity {
		return 0, false
	}
	sim := similarity(a, b)
	least := minSimilarity
	if opens(a, b) {
		least = minOpeningSimilarity
	}
	return sim, sim >= least && compatible(a, b)
}

// compatible reports whether two texts can be one story: no figure, date or
// name that differs in the same place, and no words changed inside the
// text they share.
func compatible(a, b *Fingerprint) bool {
	short, long := a, b
	if len(short.Body) > len(long.Body) {
		short, long = long, short
	}
	return !conflicts(a.Facts, b.Facts) && !edited(short, long.bodySet()) && !factDropped(long, short.bodySet())
}

// anchor is how many shingles in a row two texts must share before a
// difference between two such runs counts as an edit (edited): a common
// phrase that an intro happens to share with the story is not one.
const anchor = 4

// edited reports whether a text, given by its fingerprint, was changed
// inside the part it shares with another text, given as the set of its
// body's shingles: between two runs of anchor or more shingles the other
// has, a run the other lacks that is more than one word dropped or
// changed. A repost adds or cuts at the ends (a new intro, a closing line,
// a cut summary), drops words and may change one word that states no fact
// ("heeft vandaag het nieuwe" -> "heeft het nieuwe", "overlast" ->
// "hinder"); a text made from the same template changes words in several
// places, as one toolkit announcement turned into another ("vuurwerk" ->
// "wapens", "vuurwerkvrije zones" -> "wapenverbodsgebieden"). A changed
// fact is an edit (here, and in the facts: conflicts, factDropped).
func edited(short *Fingerprint, other []uint32) bool {
	shared, changed := 0, 0
	seenAnchor := false
	var gap []int
	for i, h := range short.Body {
		if _, ok := slices.BinarySearch(other, h); ok {
			shared++
			if shared == anchor {
				if seenAnchor && len(gap) > maxDropGap {
					if len(gap) > shingleWords || changed > 0 || holds(short.BodyFacts, gap) || holds(short.BodyTopics, gap) {
						return true
					}
					changed++ // one word changed
				}
				seenAnchor, gap = true, gap[:0]
			}
			continue
		}
		if !seenAnchor {
			shared = 0
			continue
		}
		from := i
		if shared < anchor {
			from = i - shared // shingles shared inside a gap are part of it
		}
		for k := from; k <= i; k++ {
			gap = append(gap, k)
		}
		shared = 0
	}
	return false
}

// holds reports whether one of positions is in marked (BodyFacts,
// BodyTopics).
func holds(marked []uint32, positions []int) bool {
	for _, p := range positions {
		if _, ok := slices.BinarySearch(marked, uint32(p)); ok {
			return true
		}
	}
	return false
}

// factDropped reports whether the shorter text dropped or changed a fact
// word of the part both share: between two runs of anchor shingles it has,
// the longer has the three shingles of one word it lacks, and they hold a
// fact ("aan de Slotlaan voor" -> "aan de voor"), or a word of its title
// that the shorter one changed. Longer additions (a closing line that ends
// on words of the story) are no drop.
func factDropped(long *Fingerprint, short []uint32) bool {
	shared, seenAnchor := 0, false
	var gap []int
	for i, h := range long.Body {
		if _, ok := slices.BinarySearch(short, h); ok {
			shared++
			if shared == anchor {
				if seenAnchor && len(gap) <= shingleWords && // a dropped or changed word's gap
					(holds(long.BodyFacts, gap) || len(gap) > maxDropGap && holds(long.BodyTopics, gap)) {
					return true
				}
				seenAnchor, gap = true, gap[:0]
			}
			continue
		}
		if seenAnchor {
			from := i
			if shared < anchor {
				from = i - shared // a short shared run inside the gap is part of it
			}
			for k := from; k <= i; k++ {
				gap = append(gap, k)
			}
		}
		shared = 0
	}
	return false
}

// maxDropGap is the longest run of shingles the other text lacks that is
// a word dropped from a shared sentence ("heeft vandaag het nieuwe" ->
// "heeft het nieuwe" leaves two shingles the other lacks); a word changed
// or put in leaves three (shingleWords), and a fact dropped is caught by
// the facts (conflicts, factDropped).
const maxDropGap = 2
