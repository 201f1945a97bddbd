package publish

import (
	"embed"
	"html/template"
	"net/http"
	"time"

	"github.com/bakenhub/baken/pkg/webui"
)

// The HTML pages, in the layout of package webui.

//go:embed templates/web
var webTemplates embed.FS

// pages are parsed once: each page with the layout around it.
var pages = func() map[string]*template.Template {
	p, err := webui.Parse(webTemplates, "templates/web/*.html", "templates/web/partials.tmpl")
	if err != nil {
		panic("publish: templates: " + err.Error())
	}
	return p
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
type page = webui.Page

// webRoutes adds the HTML pages to mux.
func (p *Publisher) webRoutes(mux *http.ServeMux) {
	mux.Handle("GET /static/", webui.Static())
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
	if err := webui.Render(w, pages[name], status, pg); err != nil {
		p.log.Error("render page", "page", name, "err", err)
		http.Error(w, "de pagina kon niet worden gemaakt", http.StatusInternalServerError)
	}
}

// notFound answers with the layout's not-found page.
func (p *Publisher) notFound(w http.ResponseWriter, r *http.Request, what string) {
	p.renderPage(w, r, http.StatusNotFound, "notfound", page{Title: "Niet gevonden", Data: what})
}
