package dedup

// A candidate from the index is confirmed on the shingles themselves.
const (
	// minSimilarity is the share of the shorter text's shingles the longer
	// one must have. A repost with a new intro or an extra closing line, or
	// a summary cut from the story, has nearly all of them.
	minSimilarity = 0.7
	// minLengthRatio: a text five times longer than the other is a
	// newsletter quoting it, unless the shorter one begins like the longer
	// one: a teaser cut from a long story.
	minLengthRatio = 0.2
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
	common, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case b[j] < a[i]:
			j++
		default:
			common++
			i++
			j++
		}
	}
	return float64(common) / float64(min(len(a), len(b)))
}

// duplicate reports whether a and b tell the same story, and how similar
// they are: enough shingles in common, comparable lengths, and no figure,
// date or name that differs in the same place.
func duplicate(a, b *Fingerprint) (float64, bool) {
	short, long := a, b
	if len(short.Shingles) > len(long.Shingles) {
		short, long = long, short
	}
	if len(short.Shingles) < minShingles {
		return 0, false
	}
	if float64(len(short.Shingles)) < minLengthRatio*float64(len(long.Shingles)) &&
		containment(long.Lead, short.Shingles) < minSimilarity {
		return 0, false
	}
	sim := similarity(a, b)
	return sim, sim >= minSimilarity && !conflicts(a.Facts, b.Facts)
}
