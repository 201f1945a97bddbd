package publish

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bakenhub/baken/pkg/httpserver"
	"github.com/bakenhub/baken/services/publish/ledger"
)

// selectedDocs is how many documents of custom feeds and archive pages are
// kept rendered; the fixed feeds' current documents are kept apart.
const selectedDocs = 64

// feedParams are the query parameters a feed URL may carry: a custom
// feed's selection and, on any feed, the archive page's cursor.
var feedParams = map[string]bool{"themes": true, "districts": true, "source": true, "q": true, "before": true}

// feedRequest reads a feed URL's key and query: the selection it shows
// and, for an archive page, the cursor it goes back from.
func (p *Publisher) feedRequest(key string, u *url.URL) (selection, ledger.Ref, error) {
	q := u.Query()
	for name := range q {
		if !feedParams[name] || key != customKey && name != "before" {
			return selection{}, ledger.Ref{}, fmt.Errorf("%w: unknown parameter %q", errQuery, name)
		}
	}
	sel := keySelection(key)
	if key == customKey {
		var err error
		if sel, err = p.parseCustom(q, u.RawQuery); err != nil {
			return selection{}, ledger.Ref{}, err
		}
	}
	var before ledger.Ref
	if c := q.Get("before"); c != "" {
		var err error
		if before, err = ledger.ParseCursor(c); err != nil {
			return selection{}, ledger.Ref{}, fmt.Errorf("%w: before: %w", errQuery, err)
		}
	}
	return sel, before, nil
}

// feedURL is the normalised URL of a feed document: the selection's query
// and, for an archive page, the cursor.
func (p *Publisher) feedURL(key, format, query string, before ledger.Ref) string {
	u := p.opts.BaseURL + "/feeds/" + key + "." + format
	if before.ID != "" {
		query = strings.TrimPrefix(query+"&before="+before.Cursor(), "&")
	}
	if query != "" {
		u += "?" + query
	}
	return u
}

// olderPage is the URL of the archive page of sel's items after last, ""
// when there are none.
func (p *Publisher) olderPage(sel selection, last ledger.Ref, self string) string {
	if len(p.view.Ledger().Select(sel.filter, last, 1).Refs) == 0 {
		return ""
	}
	sep := "?"
	if strings.Contains(self, "?") {
		sep = "&"
	}
	return self + sep + "before=" + last.Cursor()
}

// renderSelection renders a custom feed or an archive page: the feed_size
// items of sel after before (zero: the newest), read through the ledger.
// Documents are cached per ledger version; an archive page, whose items
// are older than its cursor, renders to the same bytes when newer items
// come, so its ETag and Last-Modified stay.
func (p *Publisher) renderSelection(key string, sel selection, format string, before ledger.Ref) (*rendered, error) {
	self := p.feedURL(key, format, sel.query, before)
	version := p.view.Ledger().Version()
	old, fresh := p.selected.get(self, version)
	if fresh {
		return old, nil
	}
	c := p.choose(sel, before, p.opts.FeedSize)
	var changed time.Time
	for i := range c.items {
		changed = latest(changed, c.items[i].LastChange())
	}
	title := p.title(key)
	if key == customKey {
		title = p.customTitle(sel)
	}
	info := p.info(title, self, changed)
	if c.more {
		info.PrevArchive = p.feedURL(key, format, sel.query, c.next)
	}
	if before.ID != "" {
		info.Archive, info.Current = true, p.feedURL(key, format, sel.query, ledger.Ref{})
	}
	modTime := changed
	if modTime.IsZero() {
		modTime = p.started
	}
	doc, err := p.document(version, format, info, c.items, modTime)
	if err != nil {
		return nil, err
	}
	if old != nil && old.etag == doc.etag {
		doc = newRendered(version, doc.body, doc.etag, old.modTime) // unchanged: keep its Last-Modified
		doc.links = old.links
	}
	p.selected.put(self, doc)
	return doc, nil
}

// customTitle names a custom feed after its selection.
func (p *Publisher) customTitle(sel selection) string {
	var parts []string
	if ts := sel.filter.Themes; len(ts) > 0 {
		parts = append(parts, strings.Join(mapNames(ts, p.themeName), " of "))
	}
	if ds := sel.filter.Districts; len(ds) > 0 {
		parts = append(parts, "in "+strings.Join(mapNames(ds, p.districtName), " of "))
	}
	if ss := sel.filter.Sources; len(ss) > 0 {
		parts = append(parts, "van "+strings.Join(mapNames(ss, p.sourceName), " of "))
	}
	if sel.hasWords() {
		words := append([]string{}, sel.words...)
		for _, w := range sel.not {
			words = append(words, "-"+w)
		}
		parts = append(parts, "met “"+strings.Join(words, " ")+"”")
	}
	if len(parts) == 0 {
		return p.title(allKey)
	}
	return p.opts.Title + ": " + strings.Join(parts, " ")
}

func mapNames(ids []string, name func(string) string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = name(id)
	}
	return out
}

// serveSelected answers a custom feed or an archive page.
func (p *Publisher) serveSelected(w http.ResponseWriter, r *http.Request, key, format string) {
	sel, before, err := p.feedRequest(key, r.URL)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	doc, err := p.renderSelection(key, sel, format, before)
	if err != nil {
		p.log.Error("render feed", "feed", key+"."+format, "err", err)
		http.Error(w, "could not render feed", http.StatusInternalServerError)
		return
	}
	w.Header()["Link"] = doc.links
	if before.ID != "" {
		w.Header().Set("Cache-Control", httpserver.CacheArchive) // it stays as it is
	}
	serveDoc(w, r, doc, formats[format])
}
