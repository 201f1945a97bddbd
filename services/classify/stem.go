package classify

import (
	"sync"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/dutch"
)

// stemmer reduces folded words to their Dutch Snowball stem, so
// "demonstraties" matches the term "demonstratie". Stems are cached: word
// frequencies are skewed, and stemming costs more than a map lookup.
type stemmer struct {
	mu    sync.RWMutex
	cache map[string]string
}

// maxStemCache bounds the cache; when full it starts over.
const maxStemCache = 200_000

func newStemmer() *stemmer { return &stemmer{cache: map[string]string{}} }

func (s *stemmer) stem(word string) string {
	if len(word) <= 3 {
		return word
	}
	s.mu.RLock()
	st, ok := s.cache[word]
	s.mu.RUnlock()
	if ok {
		return st
	}
	env := snowballstem.NewEnv(word)
	dutch.Stem(env)
	st = env.Current()
	s.mu.Lock()
	if len(s.cache) >= maxStemCache {
		s.cache = map[string]string{}
	}
	s.cache[word] = st
	s.mu.Unlock()
	return st
}
