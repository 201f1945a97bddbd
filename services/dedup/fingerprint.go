package dedup

import (
	"math/bits"
	"slices"

	"github.com/bakenhub/baken/pkg/item"
)

// shingleWords is how many words one shingle spans.
const shingleWords = 3

// Fingerprint is what near-duplicate detection knows of an item's text.
type Fingerprint struct {
	// Shingles are hashes of every run of three words of the folded title
	// and text, sorted, each once.
	Shingles []uint32 `json:"shingles,omitempty"`
	// Body are the shingles of the text after the title, in text order:
	// where two texts differ tells a repost from a look-alike (edited).
	Body []uint32 `json:"body,omitempty"`
	// Facts are the figures, dates and names of the text, each with the
	// words around it (see facts.go), sorted.
	Facts []uint64 `json:"facts,omitempty"`
	// BodyFacts are the positions in Body of the shingles that hold a fact
	// word: a word dropped there is a fact dropped (edited).
	BodyFacts []uint32 `json:"body_facts,omitempty"`
	// BodyTopics are the positions in Body of the shingles that hold a
	// word of the title (cut like a story's words): a word changed there
	// changes what the text is about (edited).
	BodyTopics []uint32 `json:"body_topics,omitempty"`
	// Story is what story detection knows of the text (story.go).
	Story *StoryPrint `json:"story,omitempty"`
	// bands are the keys under which the item is filed in the
	// near-duplicate index (see sketch.go); derived, never stored.
	bands []band
}

// NewFingerprint fingerprints the title, text and places of it.
func NewFingerprint(it item.Item) *Fingerprint {
	toks := tokenize(it)
	words := make([]uint64, len(toks))
	for i, t := range toks {
		words[i] = uint64(fnvOffset.add(t.word))
	}
	seq := make([]uint64, 0, max(len(toks)-shingleWords+1, 0))
	for i := 0; i+shingleWords <= len(toks); i++ {
		seq = append(seq, mix(words[i]^bits.RotateLeft64(words[i+1], 21)^bits.RotateLeft64(words[i+2], 42)))
	}
	body := 0 // the first shingle that starts after the title
	for body < len(seq) && toks[body].title {
		body++
	}
	fp := &Fingerprint{Shingles: shingleSet(seq), Body: make([]uint32, len(seq)-body), Facts: facts(toks, it.Places), Story: newStoryPrint(it, toks)}
	var topics []uint32 // the title's words, cut like a story's
	for _, t := range toks {
		if !t.title {
			break
		}
		if len(t.word) >= 4 && functionWord[t.word] == 0 {
			topics = append(topics, stem(t.word))
		}
	}
	for i, h := range seq[body:] {
		fp.Body[i] = uint32(h >> 32)
		fact, topic := false, false
		for _, t := range toks[body+i : body+i+shingleWords] {
			fact = fact || t.fact
			topic = topic || len(topics) > 0 && slices.Contains(topics, stem(t.word))
		}
		if fact {
			fp.BodyFacts = append(fp.BodyFacts, uint32(i))
		}
		if topic {
			fp.BodyTopics = append(fp.BodyTopics, uint32(i))
		}
	}
	if len(fp.Shingles) >= minShingles {
		fp.bands = bands(seq, body)
	}
	return fp
}

// opens reports whether two bodies begin with the same words: the first
// anchor shingles, six words.
func opens(a, b *Fingerprint) bool {
	return len(a.Body) >= anchor && len(b.Body) >= anchor && slices.Equal(a.Body[:anchor], b.Body[:anchor])
}

// shingleSet keeps the top 32 bits of each shingle hash, sorted, each once.
func shingleSet(seq []uint64) []uint32 {
	set := make([]uint32, len(seq))
	for i, h := range seq {
		set[i] = uint32(h >> 32)
	}
	slices.Sort(set)
	return slices.Compact(set)
}

// lead is the set of the first leadShingles shingles of the body.
func (fp *Fingerprint) lead() []uint32 { return sortedSet(fp.Body[:min(leadShingles, len(fp.Body))]) }

// bodySet is the set of the shingles of the body.
func (fp *Fingerprint) bodySet() []uint32 { return sortedSet(fp.Body) }

func sortedSet(shingles []uint32) []uint32 {
	set := slices.Clone(shingles)
	slices.Sort(set)
	return slices.Compact(set)
}

// hasher hashes a sequence of words: FNV-1a with a separator after each
// word, mixed at the end.
type hasher uint64

const fnvOffset hasher = 14695981039346656037

func (h hasher) add(w string) hasher {
	for i := 0; i < len(w); i++ {
		h = (h ^ hasher(w[i])) * 1099511628211
	}
	return (h ^ 0xff) * 1099511628211
}

func (h hasher) sum() uint64 { return mix(uint64(h)) }

// mix is the splitmix64 finaliser: every input bit moves every output bit.
func mix(h uint64) uint64 {
	h = (h ^ h>>30) * 0xbf58476d1ce4e5b9
	h = (h ^ h>>27) * 0x94d049bb133111eb
	return h ^ h>>31
}
