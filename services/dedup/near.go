package dedup

import (
	"context"
	"slices"
)

// index is the near-duplicate index find works on: LSH buckets of ids and
// what is known of each filed id. The dedup stage keeps it in JetStream KV
// (store), baken dedup and the benchmarks in memory (memIndex).
type index interface {
	// file adds id to the bucket of b and returns the ids filed there
	// before it, oldest first. Filing is atomic per bucket: of two items
	// filed at once, the later one gets the earlier one back. Filing an id
	// again changes nothing and returns what came before it.
	file(ctx context.Context, b band, id string) ([]string, error)
	// entry returns what is known of a filed id; false once it expired.
	entry(ctx context.Context, id string) (entry, bool, error)
	// storyEntry is entry for findStory: its print may hold no more than
	// the facts and the story print.
	storyEntry(ctx context.Context, id string) (entry, bool, error)
	// published is when a filed id was published, in Unix seconds rounded
	// down to the minute (0: unknown), known without reading its entry.
	published(id string) int64
}

// entry is what the index knows of one filed item.
type entry struct {
	print       *Fingerprint
	duplicateOf string // set for a copy: the id of its canonical item
	deciding    bool   // filed, not yet known to be a new story or a copy
	story       string // the story a new item joined; "" for its own
}

// match is what was decided: a copy of canonical, or a new story.
type match struct {
	canonical  string // "" for a new story
	similarity float64
	near       bool // found by find, not by an exact key
}

// find looks up the items filed before id under the bands of fp and
// returns the first that fp confirms as a copy of the same story: its
// canonical item is the match. Candidates are tried by the number of bands
// they share with fp, most first, and one that shares a single band, other
// than the opening, is not tried: a copy of similarity s shares each of
// the 32 bands with probability s² and so shares many, while texts that
// only share a stock phrase share one, and every candidate tried is a
// comparison and, once it is no longer held in memory, a read.
//
// This is what keeps concurrent replicas from letting two copies through.
// The index files all of an item's bands at once, in one order for all
// items (the watch files records in revision order; baken dedup and the
// eval file one item after the other): of two items A and B filed in that
// order, B gets A back from every band they share and A never gets B. If
// A is still deciding, B fails with errConflict and is retried until A has
// decided; then B becomes a copy of A or of A's canonical item. A never
// waits on B: no cycle, no deadlock, one canonical.
func find(ctx context.Context, idx index, id string, fp *Fingerprint) (match, error) {
	shared := map[string]int{}
	var order []string // candidates in the order first found
	for _, b := range fp.bands {
		before, err := idx.file(ctx, b, id)
		if err != nil {
			return match{}, err
		}
		for _, c := range before {
			if c == id {
				continue
			}
			if shared[c] == 0 {
				order = append(order, c)
			}
			shared[c]++
			if b>>56 == openingBand {
				shared[c]++ // the same first six words: worth a look alone
			}
		}
	}
	slices.SortStableFunc(order, func(a, b string) int { return shared[b] - shared[a] })
	for _, c := range order {
		if shared[c] < 2 {
			break
		}
		m, err := confirm(ctx, idx, fp, c)
		if err != nil || m.canonical != "" {
			return m, err
		}
	}
	return match{}, nil
}

// confirm checks fp against the filed item c and, when c is a copy, against
// c's canonical item too: a chain of summaries must not join two stories
// that differ in their figures, so fp must be compatible with the canonical
// item and share at least minChainSimilarity with it.
func confirm(ctx context.Context, idx index, fp *Fingerprint, c string) (match, error) {
	e, ok, err := idx.entry(ctx, c)
	if err != nil || !ok || e.print == nil {
		return match{}, err
	}
	sim, dup := duplicate(fp, e.print)
	switch {
	case !dup:
		return match{}, nil
	case e.deciding:
		return match{}, errConflict
	case e.duplicateOf == "":
		return match{canonical: c, similarity: sim, near: true}, nil
	}
	canon, ok, err := idx.entry(ctx, e.duplicateOf)
	if err != nil || !ok || canon.print == nil {
		return match{}, err
	}
	if sim = similarity(fp, canon.print); sim < minChainSimilarity || !compatible(fp, canon.print) {
		return match{}, nil
	}
	return match{canonical: e.duplicateOf, similarity: sim, near: true}, nil
}
