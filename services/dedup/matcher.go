package dedup

import (
	"cmp"
	"context"
	"fmt"

	"github.com/bakenhub/baken/pkg/item"
)

// Matcher decides, for items in arrival order, which are copies of an
// earlier one: the dedup stage's logic (exactOwner, then find on the
// near-duplicate index) with its state in memory instead of NATS. baken
// dedup, the eval and the benchmarks use it. Not safe for concurrent use.
type Matcher struct {
	idx     *memIndex
	seen    map[string]Result
	stories bool
}

// Result is the decision for one item.
type Result struct {
	ID string
	// DuplicateOf is the id of the canonical item this one is a copy of;
	// "" for a new story.
	DuplicateOf string
	// Similarity to the canonical item: 1 for an exact copy, the share of
	// shingles in common for a near-duplicate, 0 for a new story.
	Similarity float64
	// Story is the id of the story the item tells: that of its first
	// report (the canonical item of the first report).
	Story string
}

// NewMatcher returns a Matcher that has seen nothing yet; it groups
// stories unless told WithoutStories.
func NewMatcher(opts ...MatcherOption) *Matcher {
	m := &Matcher{idx: newMemIndex(), seen: map[string]Result{}, stories: true}
	for _, o := range opts {
		o(m)
	}
	return m
}

// MatcherOption configures a Matcher.
type MatcherOption func(*Matcher)

// WithoutStories makes every item that is not a copy a story of its own
// (dedup.stories: off).
func WithoutStories() MatcherOption { return func(m *Matcher) { m.stories = false } }

// Add decides whether it is a new story or a copy of one seen before. An id
// seen before is the same item (an update or a repeat): it gets the same
// answer as the first time.
func (m *Matcher) Add(it item.Item) (Result, error) {
	if r, ok := m.seen[it.ID]; ok {
		return r, nil
	}
	ctx := context.Background()
	r := Result{ID: it.ID}
	if key := articleKey(it); key != "" {
		// The same article under a new slug: an update of the first.
		owner, err := m.idx.claim(ctx, key, it.ID)
		if err != nil {
			return r, err
		}
		if first, ok := m.seen[owner]; ok && owner != it.ID {
			r.DuplicateOf, r.Similarity, r.Story = cmp.Or(first.DuplicateOf, owner), 1, first.Story
			m.seen[it.ID] = r
			return r, nil
		}
	}
	owner, err := exactOwner(ctx, m.idx, it, it.TextHash())
	if err != nil {
		return r, err
	}
	if owner != it.ID {
		r.DuplicateOf, r.Similarity = owner, 1
		if o := m.seen[owner]; o.DuplicateOf != "" {
			r.DuplicateOf = o.DuplicateOf
		}
	} else {
		fp := NewFingerprint(it)
		found, err := m.near(ctx, it.ID, fp)
		if err != nil {
			return r, err
		}
		r.DuplicateOf, r.Similarity = found.canonical, found.similarity
		if r.DuplicateOf == "" && m.stories {
			if r.Story, err = findStory(ctx, m.idx, it.ID, fp); err != nil {
				return r, err
			}
			if r.Story != "" {
				e, _, _ := m.idx.entry(ctx, it.ID)
				e.story = r.Story
				m.idx.put(it.ID, e)
			}
		}
	}
	switch {
	case r.DuplicateOf != "":
		r.Story = m.seen[r.DuplicateOf].Story // a copy is in its item's story
	case r.Story == "":
		r.Story = it.ID
	}
	m.seen[it.ID] = r
	return r, nil
}

// near looks up the story fp is a near-duplicate of and stores fp: the
// lookup-and-insert of the index.
func (m *Matcher) near(ctx context.Context, id string, fp *Fingerprint) (match, error) {
	m.idx.put(id, entry{print: fp, deciding: true})
	found, err := find(ctx, m.idx, id, fp)
	if err != nil {
		return found, err
	}
	m.idx.put(id, entry{print: fp, duplicateOf: found.canonical})
	return found, nil
}

// WithID returns it with the id ingest would give it, when it has no id
// yet: from the canonical form of its URL (the URL itself stays as the
// source gave it), else its GUID, else its title and text.
func WithID(it item.Item) (item.Item, error) {
	if it.ID != "" {
		return it, nil
	}
	if it.URL == "" {
		it.ID = item.EntryID(it.Source, it.GUID, it.Title, it.Text())
		return it, nil
	}
	c, err := item.Canonical(it.URL, "")
	if err != nil {
		return it, fmt.Errorf("dedup: item %q: %w", it.Title, err)
	}
	it.ID = item.NewID(c, it.Source, it.GUID)
	return it, nil
}
