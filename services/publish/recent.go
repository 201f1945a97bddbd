package publish

import (
	"context"
	"time"

	"github.com/bakenhub/baken/services/publish/search"
)

// Recent is an item as a source's page lists it.
type Recent struct {
	ID        string
	Title     string
	Published time.Time
}

// RecentOf returns up to n of a source's latest items as shown (hidden
// ones left out), from the search index; none without one.
func (p *Publisher) RecentOf(ctx context.Context, source string, n int) []Recent {
	if p.search == nil {
		return nil
	}
	res, err := p.search.Search(ctx, search.Query{Source: source, Limit: n, Newest: true})
	if err != nil {
		p.log.Error("recent items", "source", source, "err", err)
		return nil
	}
	var out []Recent
	for _, h := range res.Hits {
		if it, shown, ok := p.view.Item(h.ID); ok && shown {
			out = append(out, Recent{ID: it.ID, Title: it.Title, Published: it.Published})
		}
	}
	return out
}
