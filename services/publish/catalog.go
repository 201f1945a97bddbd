package publish

import "strings"

// catalogEntry is one feed as listed in the OPML file and the index page.
type catalogEntry struct {
	Key   string
	Title string
	Group string
	query string // a custom feed's normalised query
}

// Groups of the catalog, in display order.
const (
	groupAll       = "Alles"
	groupThemes    = "Thema's"
	groupDistricts = "Districten"
	groupBoth      = "Thema's per district"
)

// catalog lists the feeds worth subscribing to: all, every theme, and every
// district and theme × district that has items.
func (p *Publisher) catalog() []catalogEntry {
	entries := []catalogEntry{{Key: allKey, Title: p.title(allKey), Group: groupAll}}
	for _, t := range p.opts.Themes {
		k := themeKey(t.ID)
		entries = append(entries, catalogEntry{Key: k, Title: p.title(k), Group: groupThemes})
	}
	var both []catalogEntry
	for _, k := range p.view.Keys() {
		switch {
		case strings.HasPrefix(k, "districts/"):
			entries = append(entries, catalogEntry{Key: k, Title: p.title(k), Group: groupDistricts})
		case strings.Contains(k, "/districts/"):
			both = append(both, catalogEntry{Key: k, Title: p.title(k), Group: groupBoth})
		}
	}
	return append(entries, both...)
}
