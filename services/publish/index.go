package publish

import (
	"net/http"
)

// latestOnIndex is how many items the index shows per feed.
const latestOnIndex = 3

type indexFeed struct {
	Key    string
	Title  string
	Latest []listItem
}

type indexPage struct {
	Items     int
	All       indexFeed
	Subscribe []subscribeLink
	Themes    []indexFeed
	Districts []named // every configured district, with items or not
	Combined  []named // theme × district feeds that have items
}

// serveIndex lists every theme with its latest items, every district, and
// the combinations that have items; each links to its page.
func (p *Publisher) serveIndex(w http.ResponseWriter, r *http.Request) {
	d := indexPage{Items: int(p.ItemCount()), Subscribe: p.subscribeLinks(allKey)}
	d.All = indexFeed{Key: allKey, Title: p.title(allKey), Latest: p.listItems(p.view.Feed(allKey, 5).Items)}
	for _, e := range p.catalog() {
		switch e.Group {
		case groupThemes:
			d.Themes = append(d.Themes, indexFeed{Key: e.Key, Title: p.shortTitle(e.Key), Latest: p.listItems(p.view.Feed(e.Key, latestOnIndex).Items)})
		case groupBoth:
			d.Combined = append(d.Combined, named{ID: e.Key, Name: p.shortTitle(e.Key)})
		}
	}
	d.Districts = p.districtList()
	p.renderPage(w, r, http.StatusOK, "index", page{Nav: "feeds", Data: d})
}
