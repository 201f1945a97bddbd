// Package httpserver is the HTTP server every Baken process listens with:
// timeouts that cut off slow clients and idle connections, capped headers
// and bodies, and the security headers a page on a network needs.
package httpserver

import (
	"net/http"
	"time"
)

// Limits bound what one client may cost the server.
type Limits struct {
	ReadHeader time.Duration // to send the request headers
	Read       time.Duration // to send the whole request, body included
	Write      time.Duration // to read the whole response
	Idle       time.Duration // a keep-alive connection between requests
	MaxHeader  int           // bytes of request headers
	MaxBody    int64         // bytes of a request body
}

// DefaultLimits suit feeds and a small JSON API: every response is a few
// hundred kilobytes at most, so no route needs a long write.
func DefaultLimits() Limits {
	return Limits{
		ReadHeader: 5 * time.Second,
		Read:       15 * time.Second,
		Write:      30 * time.Second,
		Idle:       60 * time.Second,
		MaxHeader:  32 << 10,
		MaxBody:    1 << 20,
	}
}

// New returns a server for h with the limits and the security headers.
func New(h http.Handler, l Limits) *http.Server {
	return &http.Server{
		Handler:           Secure(capBody(h, l.MaxBody)),
		ReadHeaderTimeout: l.ReadHeader,
		ReadTimeout:       l.Read,
		WriteTimeout:      l.Write,
		IdleTimeout:       l.Idle,
		MaxHeaderBytes:    l.MaxHeader,
	}
}

// capBody limits every request body; a handler reading past the cap gets
// an error and the connection is closed.
func capBody(h http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, max)
		h.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows script only from files the hub serves (the
// copy buttons' progressive enhancement; never inline script), styles from
// the hub, and no framing: the pages are server-rendered HTML that works
// without script.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Secure sets the security headers on every response: no content-type
// sniffing (a feed is never run as a page), a policy without inline script, no
// framing, and no full URL in the Referer of a followed link. They are
// harmless on feeds and JSON, so they go on every route.
func Secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.ServeHTTP(w, r)
	})
}
