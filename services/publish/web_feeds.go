package publish

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// subscribeLink is one feed URL to copy or open.
type subscribeLink struct{ ID, Label, URL string }

// subscribeLinks are the three formats of the feed key.
func (p *Publisher) subscribeLinks(key string) []subscribeLink {
	id := strings.ReplaceAll(key, "/", "-")
	return []subscribeLink{
		{ID: id + "-atom", Label: "Atom", URL: p.opts.BaseURL + "/feeds/" + key + ".atom"},
		{ID: id + "-rss", Label: "RSS", URL: p.opts.BaseURL + "/feeds/" + key + ".rss"},
		{ID: id + "-json", Label: "JSON Feed", URL: p.opts.BaseURL + "/feeds/" + key + ".json"},
	}
}

// pagePath is the HTML page of a feed key: /themes/t, /districts/d,
// /themes/t/districts/d, / for all.
func pagePath(key string) string {
	if key == allKey {
		return "/"
	}
	return "/" + key
}

type feedPage struct {
	Key       string
	Title     string
	Theme     named
	District  named
	Subscribe []subscribeLink
	Items     []listItem
	Total     int
	// Related are the other feeds from here: a district's themes, a
	// theme's districts, the theme and the district of a combination.
	Related      []named // key and title
	RelatedTitle string
}

// serveFeedPage answers /themes/{t}, /districts/{d} and
// /themes/{t}/districts/{d}: the feed's items and how to subscribe. Every
// configured theme and district has a page, with items or not yet.
func (p *Publisher) serveFeedPage(w http.ResponseWriter, r *http.Request) {
	t, d := r.PathValue("theme"), r.PathValue("district")
	var key string
	switch {
	case t != "" && d != "":
		key = themeDistrictKey(t, d)
	case t != "":
		key = themeKey(t)
	default:
		key = districtKey(d)
	}
	if !p.validKey(key) {
		p.notFound(w, r, "Dit thema of district kent Baken niet.")
		return
	}
	snap := p.view.Feed(key, p.opts.FeedSize)
	fp := feedPage{Key: key, Title: p.shortTitle(key), Subscribe: p.subscribeLinks(key),
		Items: p.listItems(snap.Items), Total: snap.Total}
	if t != "" {
		fp.Theme = named{ID: t, Name: p.themeName(t)}
	}
	if d != "" {
		fp.District = named{ID: d, Name: p.districtName(d)}
	}
	switch {
	case t != "" && d != "":
		fp.RelatedTitle = "Ook"
		fp.Related = []named{{ID: themeKey(t), Name: p.themeName(t) + " (alle districten)"}, {ID: districtKey(d), Name: p.districtName(d) + " (alle thema's)"}}
	case t != "":
		fp.RelatedTitle = "Per district"
		for _, dist := range p.districtList() {
			fp.Related = append(fp.Related, named{ID: themeDistrictKey(t, dist.ID), Name: dist.Name})
		}
	default:
		fp.RelatedTitle = "Thema's in " + p.districtName(d)
		for _, th := range p.opts.Themes {
			fp.Related = append(fp.Related, named{ID: themeDistrictKey(th.ID, d), Name: th.Name})
		}
	}
	p.renderPage(w, r, http.StatusOK, "feed", page{Title: fp.Title, Nav: "feeds", Data: fp})
}

// shortTitle is a feed's title without the site's name.
func (p *Publisher) shortTitle(key string) string {
	return strings.TrimPrefix(p.title(key), p.opts.Title+": ")
}

// districtList is every configured district, by name.
func (p *Publisher) districtList() []named {
	out := make([]named, 0, len(p.opts.Districts))
	for _, d := range p.opts.Districts {
		out = append(out, named{ID: d.ID, Name: d.Name})
	}
	slices.SortFunc(out, func(a, b named) int { return strings.Compare(a.Name, b.Name) })
	return out
}

type builderPage struct {
	Themes, Districts []checkOption
	Words             string
	Chosen            bool
	Subscribe         []subscribeLink
	OPML              string
	Digests           []subscribeLink
}

type checkOption struct {
	ID, Name string
	Checked  bool
}

// serveBuilder answers /builder: a form of themes, districts and words
// (GET, so a result can be bookmarked) and the feed URLs it makes.
func (p *Publisher) serveBuilder(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	themes := p.knownOnly(q["theme"], p.knownTheme)
	dists := p.knownOnly(q["district"], p.knownDistrict)
	words := strings.Join(strings.Fields(q.Get("q")), " ")
	bp := builderPage{Words: words}
	for _, t := range p.opts.Themes {
		bp.Themes = append(bp.Themes, checkOption{ID: t.ID, Name: t.Name, Checked: slices.Contains(themes, t.ID)})
	}
	for _, d := range p.districtList() {
		bp.Districts = append(bp.Districts, checkOption{ID: d.ID, Name: d.Name, Checked: slices.Contains(dists, d.ID)})
	}
	if q.Has("build") || len(themes)+len(dists) > 0 || words != "" {
		bp.Chosen = true
		query := customQuery(themes, dists, words)
		for _, f := range []struct{ ext, label string }{{"atom", "Atom"}, {"rss", "RSS"}, {"json", "JSON Feed"}} {
			bp.Subscribe = append(bp.Subscribe, subscribeLink{ID: "custom-" + f.ext, Label: f.label, URL: p.opts.BaseURL + "/feeds/custom." + f.ext + query})
		}
		bp.OPML = p.opts.BaseURL + "/feeds.opml" + customQuery(themes, dists, "")
		for _, f := range []struct{ ext, label string }{{"html", "Overzicht van de afgelopen week (HTML)"}, {"md", "Overzicht van de afgelopen week (Markdown)"}} {
			bp.Digests = append(bp.Digests, subscribeLink{ID: "digest-" + f.ext, Label: f.label, URL: p.opts.BaseURL + "/digest/custom." + f.ext + query + sep(query) + "since=7d"})
		}
	}
	p.renderPage(w, r, http.StatusOK, "builder", page{Title: "Feed samenstellen", Nav: "builder", Data: bp})
}

// knownOnly keeps the known ids of a comma- or repeat-separated list,
// sorted and without repeats.
func (p *Publisher) knownOnly(vals []string, known func(string) bool) []string {
	var out []string
	for _, v := range vals {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" && known(id) && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	slices.Sort(out)
	return out
}

// customQuery is the query string of a custom feed: themes and districts
// sorted and comma-joined, then the words; "" when empty.
func customQuery(themes, dists []string, words string) string {
	var parts []string
	if len(themes) > 0 {
		parts = append(parts, "themes="+strings.Join(themes, ","))
	}
	if len(dists) > 0 {
		parts = append(parts, "districts="+strings.Join(dists, ","))
	}
	if words != "" {
		parts = append(parts, "q="+url.QueryEscape(words))
	}
	if len(parts) == 0 {
		return ""
	}
	return "?" + strings.Join(parts, "&")
}

func sep(query string) string {
	if query == "" {
		return "?"
	}
	return "&"
}
