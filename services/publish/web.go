package publish

import (
	"embed"
	"html/template"
	"net/http"
	"time"

	"github.com/bakenhub/baken/pkg/httpserver"
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

// webRoutes adds the HTML pages to mux. Pages are revalidated on every
// visit (they show overrides at once); the desk's are never stored.
func (p *Publisher) webRoutes(mux *http.ServeMux) {
	page := func(pattern string, h http.HandlerFunc) {
		mux.Handle(pattern, httpserver.CacheControl(httpserver.CacheRevalidate, h))
	}
	mux.Handle("GET /static/", httpserver.CacheControl(httpserver.CacheSlow, webui.Static()))
	page("GET /items/{id}", p.serveItemPage)
	page("GET /themes/{theme}", p.serveFeedPage)
	page("GET /districts/{district}", p.serveFeedPage)
	page("GET /themes/{theme}/districts/{district}", p.serveFeedPage)
	page("GET /builder", p.serveBuilder)
	page("GET /search", p.serveSearchPage)
	page("GET /api/search", p.serveSearchAPI)
	desk := http.NewServeMux()
	p.deskRoutes(desk)
	mux.Handle("/desk", httpserver.CacheControl(httpserver.CacheNever, desk))
	mux.Handle("/desk/", httpserver.CacheControl(httpserver.CacheNever, desk))
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
