package publish

import (
	"container/list"
	"sync"
)

// docCache keeps the documents of selections (custom feeds, archive pages)
// rendered at one version of the ledger, the least recently served
// dropped first once it holds max: a client inventing queries evicts
// others' documents but cannot grow the memory held.
type docCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *cached, most recently served first
	byKey map[string]*list.Element
}

type cached struct {
	key string
	doc *rendered
}

func newDocCache(max int) *docCache {
	return &docCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the document cached under key if it was rendered at version.
func (c *docCache) get(key string, version uint64) (*rendered, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	doc := e.Value.(*cached).doc
	return doc, doc.version == version
}

// put caches doc under key.
func (c *docCache) put(key string, doc *rendered) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		e.Value.(*cached).doc = doc
		c.order.MoveToFront(e)
		return
	}
	c.byKey[key] = c.order.PushFront(&cached{key: key, doc: doc})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*cached).key)
	}
}

// len is the number of documents held.
func (c *docCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
