// Package demo serves bundled fixture feeds and partner-site pages, shaped
// like the real sources of DESIGN.md, on loopback, and the configuration
// that points Baken at them: a newcomer sees populated feeds within
// seconds, offline.
//
// The partner sites have no feed; their pages are served for their real
// host names, the fixture server acting as the HTTP proxy the demo
// configuration sends ingest through. So the scraped items carry the sites'
// real URLs and politeness works per host, as it would in production.
package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/bakenhub/baken/pkg/config"
)

//go:embed fixtures/*.rss fixtures/*.atom fixtures/sites config.yaml
var files embed.FS

// published is the Last-Modified of every fixture: the newest item's day.
var published = time.Date(2023, 12, 20, 9, 0, 0, 0, time.UTC)

// Handler serves the fixtures with ETag and Last-Modified, answering
// conditional requests with 304 like a well-behaved origin: the feeds under
// /feeds/ on any host, and the partner sites' pages by host name and path
// (fixtures/sites/<host>/<path>, ".html" or "index.html" added).
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, contentType := sitePage(r)
		if strings.HasPrefix(r.URL.Path, "/feeds/") {
			name, contentType = "fixtures/"+path.Base(r.URL.Path), "application/rss+xml; charset=utf-8"
			if path.Ext(name) == ".atom" {
				contentType = "application/atom+xml; charset=utf-8"
			}
		}
		body, err := files.ReadFile(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		sum := sha256.Sum256(body)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
		w.Header().Set("Content-Type", contentType)
		http.ServeContent(w, r, "", published, bytes.NewReader(body))
	})
}

// sitePage names the fixture of a partner-site page and its content type.
// Proxied requests carry the host in their URL; direct ones in Host.
func sitePage(r *http.Request) (name, contentType string) {
	host := r.URL.Hostname()
	if host == "" {
		host, _, _ = strings.Cut(r.Host, ":")
	}
	p := r.URL.Path
	switch {
	case strings.HasSuffix(p, "/"):
		p += "index.html"
	case path.Ext(p) == "":
		p += ".html"
	}
	name = "fixtures/sites/" + host + path.Clean("/"+p)
	switch {
	case path.Ext(p) == ".txt":
		return name, "text/plain; charset=utf-8"
	case host == "www.veiligheidsalliantie.nl":
		// An older site: windows-1252, declared only in the page's <meta>.
		return name, "text/html"
	}
	return name, "text/html; charset=utf-8"
}

// Server is the running fixture server.
type Server struct {
	URL string // http://127.0.0.1:port
	srv *http.Server
}

// Start serves the fixtures on a free loopback port.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), srv: &http.Server{Handler: Handler(), ReadHeaderTimeout: 5 * time.Second}}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "demo server:", err)
		}
	}()
	return s, nil
}

// Close stops the fixture server.
func (s *Server) Close(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// Config returns the demo configuration with its sources at baseURL (the
// fixture server) and the feeds published under publicURL.
func Config(baseURL, publicURL string) (config.Config, error) {
	data, err := files.ReadFile("config.yaml")
	if err != nil {
		return config.Config{}, err
	}
	text := strings.NewReplacer("${DEMO_URL}", baseURL, "${PUBLIC_URL}", publicURL).Replace(string(data))
	cfg, err := config.Parse([]byte(text))
	if err != nil {
		return config.Config{}, fmt.Errorf("demo config: %w", err)
	}
	// Editors' writes are closed without a token; BAKEN_API_TOKEN, when
	// set, opens them for trying overrides on the demo.
	cfg.Publish.APIToken = os.Getenv("BAKEN_API_TOKEN")
	return cfg, nil
}
