package publish

import (
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/sanitize"
)

// untrusted checks an item read from the curated stream, whoever put it
// there: links must be http(s) (no javascript: or data: in an href). The
// HTML is sanitised again where it is rendered (contentHTML, the item API),
// once per feed version rather than for every item on a restart.
func untrusted(it item.Item) item.Item {
	it.URL = sanitize.URL(it.URL)
	it.AlsoAt = webLocations(it.AlsoAt)
	it.ReportedBy = webLocations(it.ReportedBy)
	return it
}

// webLocations keeps the locations with an http(s) link.
func webLocations(locs []item.Location) []item.Location {
	var out []item.Location
	for _, l := range locs {
		if l.URL = sanitize.URL(l.URL); l.URL != "" {
			out = append(out, l)
		}
	}
	return out
}
