package classify

// affixTrie finds the terms whose first word is a prefix (or, built
// reversed, a suffix) of a word in one walk over the word's bytes: a handful
// of steps per word, however many affix terms the taxonomy has.
type affixTrie struct {
	root    trieNode
	reverse bool // keys are suffixes, walked from the word's end
}

type trieNode struct {
	next  []trieEdge
	terms []*term // terms whose affix ends here
}

type trieEdge struct {
	b byte
	n *trieNode
}

func (t *affixTrie) insert(key string, tm *term) {
	n := &t.root
	for i := range len(key) {
		n = n.child(t.at(key, i), true)
	}
	n.terms = append(n.terms, tm)
}

// walk calls fn with the terms of every affix of word.
func (t *affixTrie) walk(word string, fn func([]*term)) {
	n := &t.root
	for i := range len(word) {
		if n = n.child(t.at(word, i), false); n == nil {
			return
		}
		if len(n.terms) > 0 {
			fn(n.terms)
		}
	}
}

func (t *affixTrie) at(s string, i int) byte {
	if t.reverse {
		return s[len(s)-1-i]
	}
	return s[i]
}

func (n *trieNode) child(b byte, create bool) *trieNode {
	for _, e := range n.next {
		if e.b == b {
			return e.n
		}
	}
	if !create {
		return nil
	}
	c := &trieNode{}
	n.next = append(n.next, trieEdge{b, c})
	return c
}
