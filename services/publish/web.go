package publish

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhub/baken/pkg/nltime"
)

// The HTML pages: server-rendered with html/template, Dutch, usable
// without script (one small script adds copy buttons), one stylesheet.

//go:embed templates/web/*.html
var webTemplates embed.FS

//go:embed static
var staticFiles embed.FS

// pageFuncs are the helpers every page template may call.
var pageFuncs = template.FuncMap{
	"when":     nltime.Format,
	"date":     nltime.Date,
	"datetime": nltime.Attr,
	"score":    func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) },
	"join":     strings.Join,
}

// pages are parsed once: each page with the layout around it.
var pages = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	names, _ := fs.Glob(webTemplates, "templates/web/*.html")
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/web/"), ".html")
		if base == "layout" {
			continue
		}
		out[base] = template.Must(template.New(base).Funcs(pageFuncs).ParseFS(webTemplates, "templates/web/layout.html", n))
	}
	return out
}()

// web is the state of the HTML pages: the editors' sessions.
type web struct {
	sessions *sessions // nil without an API token: the desk is closed
}

func newWeb(token string) *web {
	w := &web{}
	if token != "" {
		w.sessions = newSessions(token, 8*time.Hour)
	}
	return w
}

// page is what the layout renders around a page's own data.
type page struct {
	Title   string // of the page, without the site's
	Site    string
	Nav     string // the navigation entry that is current
	Base    string // absolute URL of the site, for feed URLs people copy
	Editor  string // the signed-in editor, "" for none
	Data    any
	Noindex bool
}

// webRoutes adds the HTML pages to mux.
func (p *Publisher) webRoutes(mux *http.ServeMux) {
	mux.Handle("GET /static/", http.FileServerFS(staticFiles))
	mux.HandleFunc("GET /items/{id}", p.serveItemPage)
	mux.HandleFunc("GET /themes/{theme}", p.serveFeedPage)
	mux.HandleFunc("GET /districts/{district}", p.serveFeedPage)
	mux.HandleFunc("GET /themes/{theme}/districts/{district}", p.serveFeedPage)
	mux.HandleFunc("GET /builder", p.serveBuilder)
	mux.HandleFunc("GET /search", p.serveSearchPage)
	mux.HandleFunc("GET /api/search", p.serveSearchAPI)
	p.deskRoutes(mux)
}

// renderPage renders the named page with data, or answers 500.
func (p *Publisher) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, pg page) {
	pg.Site, pg.Base = p.opts.Title, p.opts.BaseURL
	if s, ok := p.web.session(r); ok {
		pg.Editor = s.Who
	}
	var b bytes.Buffer
	if err := pages[name].ExecuteTemplate(&b, "layout", pg); err != nil {
		p.log.Error("render page", "page", name, "err", err)
		http.Error(w, "de pagina kon niet worden gemaakt", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// notFound answers with the layout's not-found page.
func (p *Publisher) notFound(w http.ResponseWriter, r *http.Request, what string) {
	p.renderPage(w, r, http.StatusNotFound, "notfound", page{Title: "Niet gevonden", Data: what})
}
