package dedup

import (
	"slices"
)

// The near-duplicate index is MinHash with LSH bands. A text's sketch is,
// for each of sketchSize hash functions, the smallest hash of its shingles;
// two texts agree on one entry with a probability equal to the Jaccard
// similarity of their shingle sets. Entries are grouped by bandRows into
// bands, and an item is filed under the hash of each band: two texts with
// Jaccard similarity J share at least one band with probability
// 1-(1-J^bandRows)^bands (J=0.5: 0.99; J=0.3: 0.78).
//
// A cut summary has far fewer shingles than the story it was cut from, so
// their Jaccard similarity is low although one contains the other. So the
// lead, the first leadShingles shingles after the title, gets a sketch of
// its own too, filed in the same bands: the summary meets the story's lead.
//
// One more key files the item under its opening, the first six words of
// its body (band openingBand), so that a short repost that keeps the
// story's opening always meets it.
//
// Lookups cost the same with 1,000 or 1,000,000 items filed: a band key is
// a hash lookup, and a bucket holds at most bucketSize ids.
const (
	sketchSize   = 32
	bandRows     = 2
	numBands     = sketchSize / bandRows
	openingBand  = 0xff
	leadShingles = 40
	// minShingles: a shorter text (a title with a line) is compared only
	// as an exact copy.
	minShingles = 10
)

// band is a key of the index: the band's number in the top 8 bits, the
// hash of its sketch entries below.
type band uint64

// permutations are the sketch's hash functions, h(x) = a*x + b: fixed, as
// they are part of the stored index (changing them orphans every band).
var permA, permB = func() (a, b [sketchSize]uint64) {
	s := uint64(0x6a09e667f3bcc908) // splitmix64 from a fixed seed
	next := func() uint64 { s += 0x9e3779b97f4a7c15; return mix(s) }
	for i := range sketchSize {
		a[i], b[i] = next()|1, next()
	}
	return a, b
}()

// bands returns the sorted, distinct bands of the whole text and of its
// lead, and its opening, given the hashes of its shingles and where the
// body starts.
func bands(seq []uint64, body int) []band {
	end := min(body+leadShingles, len(seq))
	lead := sketch(newSketch(), seq[body:end])
	whole := sketch(sketch(lead, seq[:body]), seq[end:])
	out := make([]band, 0, 2*numBands+1)
	if len(seq)-body >= anchor {
		h := fnvOffset
		for _, v := range seq[body : body+anchor] {
			h = (h ^ hasher(v>>32)) * 1099511628211
		}
		out = append(out, band(openingBand<<56|h.sum()>>8))
	}
	for _, sk := range [][sketchSize]uint64{whole, lead} {
		for i := range numBands {
			h := fnvOffset
			for _, v := range sk[i*bandRows : (i+1)*bandRows] {
				h = (h ^ hasher(v)) * 1099511628211
			}
			out = append(out, band(uint64(i)<<56|h.sum()>>8))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// newSketch is the sketch of nothing.
func newSketch() [sketchSize]uint64 {
	var sk [sketchSize]uint64
	for i := range sk {
		sk[i] = ^uint64(0)
	}
	return sk
}

// sketch returns sk updated with the shingles of seq: for each hash
// function, the smallest value.
func sketch(sk [sketchSize]uint64, seq []uint64) [sketchSize]uint64 {
	for _, x := range seq {
		for i := range sketchSize {
			sk[i] = min(sk[i], x*permA[i]+permB[i])
		}
	}
	return sk
}
