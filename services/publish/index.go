package publish

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"

	"github.com/bakenhub/baken/pkg/item"
)

//go:embed templates/index.html
var templates embed.FS

var indexTemplate = template.Must(template.ParseFS(templates, "templates/index.html"))

// latestOnIndex is how many items the index shows per feed.
const latestOnIndex = 3

type indexFeed struct {
	Key    string
	Title  string
	Latest []item.Item
}

type indexGroup struct {
	Name  string
	Feeds []indexFeed
}

// serveIndex lists every feed with its latest items.
func (p *Publisher) serveIndex(w http.ResponseWriter, r *http.Request) {
	data := struct {
		Title  string
		Base   string
		Items  int
		Groups []indexGroup
	}{Title: p.opts.Title, Base: p.opts.BaseURL, Items: int(p.ItemCount())}
	for _, e := range p.catalog() {
		if n := len(data.Groups); n == 0 || data.Groups[n-1].Name != e.Group {
			data.Groups = append(data.Groups, indexGroup{Name: e.Group})
		}
		g := &data.Groups[len(data.Groups)-1]
		g.Feeds = append(g.Feeds, indexFeed{Key: e.Key, Title: e.Title, Latest: p.view.Feed(e.Key, latestOnIndex).Items})
	}
	var b bytes.Buffer
	if err := indexTemplate.Execute(&b, data); err != nil {
		p.log.Error("render index", "err", err)
		http.Error(w, "could not render index", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}
