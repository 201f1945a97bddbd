package httpserver

import "net/http"

// Cache-Control values of Baken's routes.
const (
	// CacheFeed: feeds, lists and pages that change with every item: a
	// minute, then ask again (cheap with the ETag: a 304).
	CacheFeed = "public, max-age=60, must-revalidate"
	// CacheArchive: pages that stay as they are (archive pages).
	CacheArchive = "public, max-age=3600"
	// CacheSlow: documents that change seldom (OPML, digests).
	CacheSlow = "public, max-age=300"
	// CacheRevalidate: answers that must be checked every time (an item
	// with its overrides, the sources' health).
	CacheRevalidate = "no-cache"
	// CacheNever: health, metrics, writes and whatever names editors.
	CacheNever = "no-store"
)

// CacheControl sets Cache-Control to value on every response of h that
// does not set its own.
func CacheControl(value string, h http.Handler) http.Handler {
	v := []string{value}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Cache-Control"] = v
		h.ServeHTTP(w, r)
	})
}

// PublicRead lets a page on any origin read h's answers (feeds and the
// read-only API are public: a widget on a partner's site may show them),
// with the headers a reader revalidates and pages with.
func PublicRead(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd["Access-Control-Allow-Origin"] = anyOrigin
		hd["Access-Control-Expose-Headers"] = exposed
		h.ServeHTTP(w, r)
	})
}

var (
	anyOrigin = []string{"*"}
	exposed   = []string{"ETag, Last-Modified, Link, Content-Length"}
)

// Preflight answers a CORS preflight (OPTIONS) for a GET from any origin
// with the conditional headers; no credentials are involved anywhere.
func Preflight(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd["Access-Control-Allow-Origin"] = anyOrigin
	hd.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	hd.Set("Access-Control-Allow-Headers", "If-None-Match, If-Modified-Since, Cache-Control, Accept")
	hd.Set("Access-Control-Max-Age", "86400")
	hd.Set("Allow", "GET, HEAD, OPTIONS")
	hd.Set("Cache-Control", CacheSlow)
	w.WriteHeader(http.StatusNoContent)
}
