package publish

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bakenhub/baken/pkg/httpserver"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/services/publish/ledger"
)

// formats maps a file extension to its content type.
var formats = map[string]string{
	"rss":  "application/rss+xml; charset=utf-8",
	"atom": "application/atom+xml; charset=utf-8",
	"json": "application/feed+json; charset=utf-8",
}

// Handler serves the feeds, the OPML list, the index page and the API.
// Every route says how long its answers may be cached; the feeds, digests
// and read-only API may be read from any origin (CORS), preflight
// included; writes and what names editors may not.
func (p *Publisher) Handler() http.Handler {
	mux := http.NewServeMux()
	public := func(pattern, cache string, h http.HandlerFunc) {
		mux.Handle("GET "+pattern, httpserver.PublicRead(httpserver.CacheControl(cache, h)))
		mux.HandleFunc("OPTIONS "+pattern, httpserver.Preflight)
	}
	public("/feeds/{path...}", httpserver.CacheFeed, p.serveFeed)
	public("/feeds.opml", httpserver.CacheSlow, p.serveOPML)
	public("/digest/{path...}", httpserver.CacheSlow, p.serveDigest)
	public("/api/items", httpserver.CacheFeed, p.serveList)
	public("/api/items/{id}", httpserver.CacheRevalidate, p.serveItem)
	mux.Handle("POST /api/overrides", httpserver.CacheControl(httpserver.CacheNever, http.HandlerFunc(p.postOverride)))
	mux.Handle("GET /api/overrides/audit", httpserver.CacheControl(httpserver.CacheNever, http.HandlerFunc(p.serveAudit)))
	mux.Handle("GET /{$}", httpserver.CacheControl(httpserver.CacheFeed, http.HandlerFunc(p.serveIndex)))
	p.webRoutes(mux)
	mux.Handle("/websub", httpserver.CacheControl(httpserver.CacheNever, p.hub))
	return mux
}

// serveFeed answers /feeds/<key>.<format>.
func (p *Publisher) serveFeed(w http.ResponseWriter, r *http.Request) {
	path := r.PathValue("path")
	key, format, ok := p.feedPath(path, formats)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if key == customKey || r.URL.RawQuery != "" {
		p.serveSelected(w, r, key, format)
		return
	}
	doc, err := p.render(key, format)
	if err != nil {
		p.log.Error("render feed", "feed", path, "err", err)
		http.Error(w, "could not render feed", http.StatusInternalServerError)
		return
	}
	w.Header()["Link"] = doc.links
	serveDoc(w, r, doc, formats[format])
}

// feedPath reads "<key>.<format>": a format types knows and the key of a
// feed served here, "custom" included.
func (p *Publisher) feedPath(path string, types map[string]string) (key, format string, ok bool) {
	dot := strings.LastIndexByte(path, '.')
	if dot < 0 {
		return "", "", false
	}
	key, format = path[:dot], path[dot+1:]
	_, known := types[format]
	return key, format, known && (key == customKey || p.validKey(key))
}

// validKey accepts the feed keys of the URL scheme with known ids.
func (p *Publisher) validKey(key string) bool {
	parts := strings.Split(key, "/")
	switch {
	case key == allKey:
		return true
	case len(parts) == 2 && parts[0] == "themes":
		return p.knownTheme(parts[1])
	case len(parts) == 2 && parts[0] == "districts":
		return p.knownDistrict(parts[1])
	case len(parts) == 4 && parts[0] == "themes" && parts[2] == "districts":
		return p.knownTheme(parts[1]) && p.knownDistrict(parts[3])
	}
	return false
}

func (p *Publisher) knownTheme(id string) bool {
	_, ok := p.themes[id]
	return ok
}

// knownDistrict accepts configured districts and any that items carry.
func (p *Publisher) knownDistrict(id string) bool {
	if _, ok := p.dists[id]; ok {
		return true
	}
	return p.view.Version(districtKey(id)) > 0
}

// render returns the cached document for key and format, rendering it again
// when the feed changed since.
func (p *Publisher) render(key, format string) (*rendered, error) {
	ck := key + "." + format
	c, cached := p.cache.Load(ck)
	if cached && c.(*rendered).version == p.view.Version(key) {
		return c.(*rendered), nil // the hot path: no item copied
	}
	snap := p.view.Feed(key, p.opts.FeedSize)
	if cached && c.(*rendered).version == snap.Version {
		return c.(*rendered), nil
	}
	info := p.info(p.title(key), p.opts.BaseURL+"/feeds/"+ck, snap.Changed)
	if n := len(snap.Items); n > 0 {
		last := snap.Items[n-1]
		info.PrevArchive = p.olderPage(keySelection(key), ledger.Ref{ID: last.ID, Published: last.Published}, info.SelfURL)
	}
	modTime := snap.Touched
	if modTime.IsZero() {
		modTime = p.started // an empty feed has been empty since start
	}
	doc, err := p.document(snap.Version, format, info, snap.Items, modTime)
	if err != nil {
		return nil, err
	}
	p.cache.Store(ck, doc)
	return doc, nil
}

// info is what a feed document says about itself.
func (p *Publisher) info(title, self string, updated time.Time) feedInfo {
	if updated.IsZero() {
		updated = time.Unix(0, 0).UTC()
	}
	// PageBase: the item pages, why each entry is in this feed.
	return feedInfo{Title: title, SelfURL: self, HomeURL: p.opts.BaseURL + "/", HubURL: p.hubURL(), Updated: updated, PageBase: p.opts.BaseURL + "/items/"}
}

// document renders items in format and makes it ready to serve.
func (p *Publisher) document(version uint64, format string, info feedInfo, items []item.Item, modTime time.Time) (*rendered, error) {
	var body []byte
	var err error
	names := namer{theme: p.themeName, source: p.sourceName, sourceURL: p.sourceURL}
	switch format {
	case "rss":
		body, err = renderRSS(info, items, names)
	case "atom":
		body, err = renderAtom(info, items, names, p.opts.BaseURL+"/feeds/themes/")
	case "json":
		body, err = renderJSON(info, items, names)
	}
	if err != nil {
		return nil, fmt.Errorf("publish: render %s: %w", info.SelfURL, err)
	}
	doc := newRendered(version, body, etagOf(body), modTime.Truncate(time.Second))
	doc.links = []string{hubLinks(info.HubURL, info.SelfURL)}
	return doc, nil
}

// title is the human title of a feed key.
func (p *Publisher) title(key string) string {
	parts := strings.Split(key, "/")
	base := p.opts.Title
	switch {
	case key == allKey:
		return base + ": alle berichten"
	case len(parts) == 2 && parts[0] == "themes":
		return base + ": " + p.themeName(parts[1])
	case len(parts) == 2:
		return base + ": " + p.districtName(parts[1])
	case len(parts) == 4:
		return fmt.Sprintf("%s: %s in %s", base, p.themeName(parts[1]), p.districtName(parts[3]))
	}
	return base
}
