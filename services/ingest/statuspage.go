package ingest

import (
	"cmp"
	"context"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/webui"
)

//go:embed templates
var templates embed.FS

var statusPages = func() map[string]*template.Template {
	p, err := webui.Parse(templates, "templates/*.html", "templates/partials.tmpl")
	if err != nil {
		panic("ingest: templates: " + err.Error())
	}
	return p
}()

// Recent is an item a source published, for its page.
type Recent struct {
	ID        string
	Title     string
	Published time.Time
}

// RecentFunc returns up to n of a source's latest items (the publisher
// knows them; ingest does not keep items).
type RecentFunc func(ctx context.Context, source string, n int) []Recent

// StatusOption configures StatusHandler.
type StatusOption func(*statusHandler)

// WithRecent lists each source's latest items on its page.
func WithRecent(fn RecentFunc) StatusOption { return func(h *statusHandler) { h.recent = fn } }

type statusHandler struct {
	kv      jetstream.KeyValue
	sources []config.Source
	limits  Limits
	nc      *nats.Conn
	recent  RecentFunc
}

// StatusHandler serves GET /sources (an HTML page, failing sources first),
// GET /sources/{id} (one source: its latest items, errors, next poll and
// politeness) and GET /api/sources (JSON, in configuration order): per
// source its last success and error, items found, whether its scraper
// looks broken, and its next attempt, read from the fetch bucket.
func StatusHandler(kv jetstream.KeyValue, sources []config.Source, limits Limits, nc *nats.Conn, opts ...StatusOption) http.Handler {
	h := &statusHandler{kv: kv, sources: sources, limits: limits, nc: nc}
	for _, o := range opts {
		o(h)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/sources", func(w http.ResponseWriter, r *http.Request) {
		rep, code := h.read(r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	})
	mux.HandleFunc("GET /sources", h.list)
	mux.HandleFunc("GET /sources/{id}", h.one)
	return mux
}

// read returns the page's data; with the bus down the sources cannot be
// read, and the page says so rather than blaming them.
func (h *statusHandler) read(r *http.Request) (StatusReport, int) {
	rep := StatusReport{Bus: BusStateOf(h.nc), Limits: h.limits}
	st, err := StatusesWith(r.Context(), h.kv, h.sources, h.limits, time.Now())
	if err != nil {
		rep.Error = "source states unreadable: " + err.Error()
		return rep, http.StatusServiceUnavailable
	}
	rep.Sources = st
	return rep, http.StatusOK
}

// rank orders sources for people: broken scrapers, then failing sources,
// then those not polled yet, then the healthy ones.
func rank(s SourceStatus) int {
	switch {
	case s.Broken:
		return 0
	case s.LastError != "":
		return 1
	case !s.OK:
		return 2
	}
	return 3
}

func (h *statusHandler) list(w http.ResponseWriter, r *http.Request) {
	rep, code := h.read(r)
	slices.SortStableFunc(rep.Sources, func(a, b SourceStatus) int { return cmp.Compare(rank(a), rank(b)) })
	h.render(w, code, "sources", webui.Page{Title: "Bronnen", Nav: "sources", Data: rep})
}

// sourcePage is one source's page.
type sourcePage struct {
	StatusReport
	Source   SourceStatus
	Schedule string
	Recent   []Recent
}

func (h *statusHandler) one(w http.ResponseWriter, r *http.Request) {
	rep, code := h.read(r)
	id := r.PathValue("id")
	i := slices.IndexFunc(rep.Sources, func(s SourceStatus) bool { return s.ID == id })
	if i < 0 && code == http.StatusOK {
		h.render(w, http.StatusNotFound, "notfound", webui.Page{Title: "Niet gevonden", Nav: "sources"})
		return
	}
	d := sourcePage{StatusReport: rep}
	if i >= 0 {
		d.Source = rep.Sources[i]
		d.Schedule = h.sources[i].Schedule
		if h.recent != nil {
			d.Recent = h.recent(r.Context(), id, 20)
		}
	}
	h.render(w, code, "source", webui.Page{Title: d.Source.Name, Nav: "sources", Data: d})
}

func (h *statusHandler) render(w http.ResponseWriter, code int, name string, pg webui.Page) {
	if err := webui.Render(w, statusPages[name], code, pg); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
