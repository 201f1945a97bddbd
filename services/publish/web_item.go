package publish

import (
	"html/template"
	"net/http"
	"time"

	"github.com/bakenhub/baken/pkg/curation"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/sanitize"
)

// listItem is an item as lists show it: a link to its page.
type listItem struct {
	ID         string
	Title      string
	SourceName string
	Published  time.Time
	Themes     []string // names
}

func (p *Publisher) listItems(items []item.Item) []listItem {
	out := make([]listItem, 0, len(items))
	for _, it := range items {
		li := listItem{ID: it.ID, Title: it.Title, SourceName: p.sourceName(it.Source), Published: it.Published}
		for _, t := range it.Themes {
			li.Themes = append(li.Themes, p.themeName(t.ID))
		}
		out = append(out, li)
	}
	return out
}

// itemTheme is a theme of an item, with why.
type itemTheme struct {
	ID, Name string
	Score    float64
	Matched  []string
	Pinned   bool
}

// named is an id with its name, for links to a district's or place's page.
type named struct{ ID, Name string }

// itemLocation is a copy or another report, with its source's name.
type itemLocation struct {
	SourceName, URL, Title string
	Page                   string // its item page, for another report
}

type itemPage struct {
	Item       item.Item
	Shown      bool
	SourceName string
	SourceURL  string
	Content    template.HTML // sanitised
	Themes     []itemTheme
	Removed    []curation.Override
	Districts  []named
	Copies     []itemLocation
	Reports    []itemLocation
	Story      *itemLocation // the story's first report, for another report
	Overrides  curation.State
	Overridden bool
	Feeds      []named // the feeds it is in: key and title
}

// serveItemPage answers /items/{id}: the item as shown, and why it is in
// which feed.
func (p *Publisher) serveItemPage(w http.ResponseWriter, r *http.Request) {
	id := itemID(r.PathValue("id"))
	it, shown, ok := p.view.Item(id)
	if !ok {
		p.notFound(w, r, "Er is geen bericht met dit kenmerk.")
		return
	}
	st := p.view.Override(id)
	d := itemPage{Item: it, Shown: shown, SourceName: p.sourceName(it.Source), SourceURL: sanitize.URL(p.sourceURL(it.Source)),
		Content: template.HTML(sanitize.HTML(it.Text())), Overrides: st, Overridden: !st.Empty(), Removed: st.Removed}
	for _, t := range it.Themes {
		pinned := false
		for _, o := range st.Pinned {
			pinned = pinned || o.Theme == t.ID
		}
		d.Themes = append(d.Themes, itemTheme{ID: t.ID, Name: p.themeName(t.ID), Score: t.Score, Matched: t.Matched, Pinned: pinned})
	}
	for _, dist := range it.Districts {
		d.Districts = append(d.Districts, named{ID: dist, Name: p.districtName(dist)})
	}
	for _, l := range it.AlsoAt {
		d.Copies = append(d.Copies, itemLocation{SourceName: p.sourceName(l.Source), URL: l.URL, Title: l.Title})
	}
	for _, l := range it.ReportedBy {
		d.Reports = append(d.Reports, itemLocation{SourceName: p.sourceName(l.Source), URL: l.URL, Title: l.Title})
	}
	if it.Story != "" && it.Story != it.ID {
		if first, _, ok := p.view.Item(it.Story); ok {
			d.Story = &itemLocation{SourceName: p.sourceName(first.Source), URL: first.URL, Title: first.Title, Page: "/items/" + first.ID}
		}
	}
	if shown {
		for _, k := range feedKeys(&it) {
			d.Feeds = append(d.Feeds, named{ID: pagePath(k), Name: p.shortTitle(k)})
		}
	}
	p.renderPage(w, r, http.StatusOK, "item", page{Title: it.Title, Data: d})
}
