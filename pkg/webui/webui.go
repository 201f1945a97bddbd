// Package webui is what every HTML page of Baken shares: the layout (a
// skip link, the navigation, lang="nl"), one stylesheet and one small
// script, served by the binary, and the helpers templates call. Pages
// are server-rendered and work without script; the script only adds
// copy buttons (progressive enhancement), so the CSP needs no inline
// script.
package webui

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/bakenhub/baken/pkg/nltime"
)

//go:embed layout.html
var layout embed.FS

//go:embed static
var static embed.FS

// Funcs are the helpers every page template may call.
var Funcs = template.FuncMap{
	"when":     nltime.Format,
	"date":     nltime.Date,
	"datetime": nltime.Attr,
	"score":    func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) },
	"join":     strings.Join,
}

// Page is what the layout renders around a page's own "content" template.
type Page struct {
	Title   string // of the page, without the site's
	Site    string // the site's name
	Nav     string // the current navigation entry: feeds, search, builder, sources, desk
	Base    string // absolute URL of the site, for feed URLs people copy
	Editor  string // the signed-in editor, "" for none
	Noindex bool
	Data    any
}

// Parse returns one template per page file matching pattern in fsys (its
// base name without extension is its key), each with the layout and the
// shared files (partials) around it.
func Parse(fsys fs.FS, pattern string, shared ...string) (map[string]*template.Template, error) {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		key := strings.TrimSuffix(n[strings.LastIndexByte(n, '/')+1:], ".html")
		t, err := template.New(key).Funcs(Funcs).ParseFS(layout, "layout.html")
		if err == nil && len(shared) > 0 {
			t, err = t.ParseFS(fsys, shared...)
		}
		if err == nil {
			t, err = t.ParseFS(fsys, n)
		}
		if err != nil {
			return nil, err
		}
		out[key] = t
	}
	return out, nil
}

// Render writes t's page with status; when the template fails nothing is
// written and the caller answers.
func Render(w http.ResponseWriter, t *template.Template, status int, pg Page) error {
	if pg.Site == "" {
		pg.Site = "Baken"
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", pg); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes()) // a client gone: nothing to answer
	return nil
}

// Static serves the stylesheet and the script under /static/.
func Static() http.Handler { return http.FileServerFS(static) }
