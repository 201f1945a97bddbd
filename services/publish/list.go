package publish

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/sanitize"
	"github.com/bakenhub/baken/services/publish/ledger"
)

// Page sizes of the item list.
const (
	defaultListLimit = 50
	maxListLimit     = 500
)

// listParams are the parameters of /api/items.
var listParams = map[string]bool{"feed": true, "themes": true, "districts": true, "source": true, "q": true,
	"since": true, "until": true, "from": true, "to": true, "cursor": true, "limit": true}

// itemList is a page of /api/items.
type itemList struct {
	Items []item.Item `json:"items"`
	// NextCursor continues the list after the last item ("" at its end);
	// Next is the URL of that page.
	NextCursor string `json:"next_cursor,omitempty"`
	Next       string `json:"next,omitempty"`
}

// listRequest is a parsed /api/items query.
type listRequest struct {
	sel    selection
	cursor ledger.Ref
	limit  int
	// query is the normalised query without the cursor.
	query string
}

// parseList reads /api/items?feed=KEY or ?themes=&districts=&source=&q=,
// with since/until (or from/to), cursor and limit.
func (p *Publisher) parseList(u *url.URL, now time.Time) (listRequest, error) {
	q := u.Query()
	var lr listRequest
	for name := range q {
		if !listParams[name] {
			return lr, fmt.Errorf("%w: unknown parameter %q", errQuery, name)
		}
	}
	var parts []string
	if key := q.Get("feed"); key != "" {
		if !p.validKey(key) {
			return lr, fmt.Errorf("%w: feed: no feed %q", errQuery, key)
		}
		for _, name := range []string{"themes", "districts", "source", "q"} {
			if q.Has(name) {
				return lr, fmt.Errorf("%w: feed and %s: give one or the other", errQuery, name)
			}
		}
		lr.sel = keySelection(key)
		parts = append(parts, "feed="+key)
	} else {
		var err error
		if lr.sel, err = p.parseCustom(q, u.RawQuery); err != nil {
			return lr, err
		}
		if lr.sel.query != "" {
			parts = append(parts, lr.sel.query)
		}
	}
	per, err := parsePeriod(q, now)
	if err != nil {
		return lr, err
	}
	lr.sel.filter.Since, lr.sel.filter.Until = per.from, per.to
	if !per.from.IsZero() {
		parts = append(parts, "since="+per.from.UTC().Format(time.RFC3339))
	}
	if !per.to.IsZero() {
		parts = append(parts, "until="+per.to.UTC().Format(time.RFC3339))
	}
	lr.limit = defaultListLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			return lr, fmt.Errorf("%w: limit: want 1 to %d", errQuery, maxListLimit)
		}
		lr.limit = n
		parts = append(parts, "limit="+v)
	}
	if c := q.Get("cursor"); c != "" {
		if lr.cursor, err = ledger.ParseCursor(c); err != nil {
			return lr, fmt.Errorf("%w: cursor: %w", errQuery, err)
		}
	}
	lr.query = strings.Join(parts, "&")
	return lr, nil
}

// listURL is the URL of the list page after cursor.
func (p *Publisher) listURL(lr listRequest, cursor ledger.Ref) string {
	q := lr.query
	if cursor.ID != "" {
		q = strings.TrimPrefix(q+"&cursor="+cursor.Cursor(), "&")
	}
	u := p.opts.BaseURL + "/api/items"
	if q != "" {
		u += "?" + q
	}
	return u
}

// serveList answers GET /api/items: items of a feed or selection, newest
// published first (ties by id), a page at a time; next_cursor continues
// where a page ended, whatever arrived since. It advertises the hub and
// itself in Link headers, as the feeds do, and the next page.
func (p *Publisher) serveList(w http.ResponseWriter, r *http.Request) {
	lr, err := p.parseList(r.URL, time.Now())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	c := p.choose(lr.sel, lr.cursor, lr.limit)
	list := itemList{Items: orEmpty(c.items)}
	var changed time.Time
	for i := range list.Items {
		list.Items[i].Content = sanitize.HTML(list.Items[i].Content)
		changed = latest(changed, list.Items[i].LastChange())
	}
	self := p.listURL(lr, lr.cursor)
	links := hubLinks(p.hubURL(), self)
	if c.more {
		list.NextCursor, list.Next = c.next.Cursor(), p.listURL(lr, c.next)
		links += fmt.Sprintf(`, <%s>; rel="next"`, list.Next)
	}
	body, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	if changed.IsZero() {
		changed = p.started
	}
	body = append(body, '\n')
	doc := newRendered(0, body, etagOf(body), changed.Truncate(time.Second))
	w.Header()["Link"] = []string{links}
	serveDoc(w, r, doc, "application/json; charset=utf-8")
}
