package publish

import (
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/services/publish/ledger"
)

// maxScanned bounds how many items one request reads from the curated
// stream to test words (q) against their text: a query whose words are
// rare looks back this far and no further.
const maxScanned = 1000

// chosen is a page of a selection's items.
type chosen struct {
	items []item.Item
	// next is the cursor after the last item when more may follow.
	next ledger.Ref
	more bool
	// scanned is how many items' text was read; capped says the scan
	// stopped at maxScanned, so older matches were not looked for.
	scanned int
	capped  bool
}

// choose returns up to n items of s after cursor, newest first, as shown.
// Items come from the ledger; those shown are read through the view (from
// memory when a window holds them, else from the curated stream).
func (p *Publisher) choose(s selection, cursor ledger.Ref, n int) chosen {
	var c chosen
	batch := n
	if s.hasWords() {
		batch = max(n, 50)
	}
	for len(c.items) < n {
		page := p.view.Ledger().Select(s.filter, cursor, batch)
		for _, ref := range page.Refs {
			examined := cursor
			cursor = ref
			it, shown, ok := p.view.Item(ref.ID)
			if !ok || !shown {
				continue
			}
			if s.hasWords() {
				if c.scanned == maxScanned {
					c.capped, c.more, c.next = true, true, examined
					return c
				}
				c.scanned++
				if !s.matchWords(&it) {
					continue
				}
			}
			if len(c.items) == n {
				c.more = true
				return c
			}
			c.items = append(c.items, it)
			c.next = ref
		}
		if !page.More {
			return c
		}
	}
	// n items found and the ledger has more: whether they match is for
	// the next page to find out.
	c.more = true
	return c
}
