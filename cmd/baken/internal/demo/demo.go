// Package demo serves bundled fixture feeds, shaped like the real sources of
// DESIGN.md, on loopback, and the configuration that points Baken at them:
// a newcomer sees populated feeds within seconds, offline.
package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/bakenhub/baken/pkg/config"
)

//go:embed fixtures/*.rss fixtures/*.atom config.yaml
var files embed.FS

// published is the Last-Modified of every fixture: the newest item's day.
var published = time.Date(2023, 12, 20, 9, 0, 0, 0, time.UTC)

// Handler serves the fixtures with ETag and Last-Modified, answering
// conditional requests with 304 like a well-behaved origin.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := "fixtures/" + path.Base(r.URL.Path)
		body, err := files.ReadFile(name)
		if err != nil || !strings.HasPrefix(r.URL.Path, "/feeds/") {
			http.NotFound(w, r)
			return
		}
		sum := sha256.Sum256(body)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
		switch path.Ext(name) {
		case ".atom":
			w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		default:
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		}
		http.ServeContent(w, r, "", published, bytes.NewReader(body))
	})
}

// Fixtures lists the fixture file names.
func Fixtures() []string {
	names, _ := fs.Glob(files, "fixtures/*")
	for i, n := range names {
		names[i] = path.Base(n)
	}
	return names
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
	return cfg, nil
}
