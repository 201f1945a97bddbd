package publish

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/bakenhub/baken/services/publish/ledger"
)

// OPML 2.0, so a feed reader imports every feed at once, or a subset.
type opml struct {
	XMLName xml.Name    `xml:"opml"`
	Version string      `xml:"version,attr"`
	Title   string      `xml:"head>title"`
	Created string      `xml:"head>dateCreated"` // RFC 822, as OPML 2.0 asks
	Groups  []opmlGroup `xml:"body>outline"`
}

type opmlGroup struct {
	Text     string        `xml:"text,attr"`
	Outlines []opmlOutline `xml:"outline"`
}

type opmlOutline struct {
	Type    string `xml:"type,attr"`
	Text    string `xml:"text,attr"`
	Title   string `xml:"title,attr"`
	XMLURL  string `xml:"xmlUrl,attr"`
	HTMLURL string `xml:"htmlUrl,attr"`
}

// groupCustom holds the custom feed of an OPML subset of themes in
// districts.
const groupCustom = "Eigen selectie"

// serveOPML answers /feeds.opml, every feed, or with ?themes=a,b and/or
// ?districts=x,y a subset: the feeds of those themes; of those districts
// (each alone and with every theme); of those themes in those districts
// (each pair, and one custom feed of them all).
func (p *Publisher) serveOPML(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for name := range q {
		if name != "themes" && name != "districts" {
			http.Error(w, fmt.Sprintf("unknown parameter %q: want themes or districts", name), http.StatusBadRequest)
			return
		}
	}
	sel, err := p.parseCustom(q, r.URL.RawQuery)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	entries := p.catalog()
	if ts, ds := sel.filter.Themes, sel.filter.Districts; len(ts)+len(ds) > 0 {
		entries = p.subset(ts, ds)
		if len(ts) > 0 && len(ds) > 0 {
			entries = append(entries, catalogEntry{Key: customKey, Title: p.customTitle(sel), Group: groupCustom, query: sel.query})
		}
	}
	doc := opml{Version: "2.0", Title: p.opts.Title + " feeds", Created: time.Now().UTC().Format(time.RFC1123Z)}
	index := map[string]int{}
	for _, e := range entries {
		i, ok := index[e.Group]
		if !ok {
			i = len(doc.Groups)
			index[e.Group] = i
			doc.Groups = append(doc.Groups, opmlGroup{Text: e.Group})
		}
		doc.Groups[i].Outlines = append(doc.Groups[i].Outlines, opmlOutline{
			Type: "rss", Text: e.Title, Title: e.Title,
			XMLURL:  p.feedURL(e.Key, "atom", e.query, ledger.Ref{}),
			HTMLURL: p.pageURL(e.Key),
		})
	}
	body, err := marshalXML(doc)
	if err != nil {
		http.Error(w, "could not render OPML", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/x-opml; charset=utf-8")
	_, _ = w.Write(body)
}

// pageURL is the HTML page of a feed: /{key} (/themes/ondermijning,
// /districts/oost-utrecht, /themes/t/districts/d); the index for all and
// for a custom feed.
func (p *Publisher) pageURL(key string) string {
	if key == allKey || key == customKey {
		return p.opts.BaseURL + "/"
	}
	return p.opts.BaseURL + "/" + key
}

// subset lists the feeds of an OPML subset (serveOPML says which).
func (p *Publisher) subset(themes, districts []string) []catalogEntry {
	var out []catalogEntry
	add := func(k, group string) { out = append(out, catalogEntry{Key: k, Title: p.title(k), Group: group}) }
	switch {
	case len(districts) == 0:
		for _, t := range p.themeIDs() {
			if slices.Contains(themes, t) {
				add(themeKey(t), groupThemes)
			}
		}
	case len(themes) == 0:
		for _, d := range districts {
			add(districtKey(d), groupDistricts)
		}
		for _, d := range districts {
			for _, k := range p.view.Keys() {
				if strings.HasPrefix(k, "themes/") && strings.HasSuffix(k, "/"+districtKey(d)) {
					add(k, groupBoth)
				}
			}
		}
	default:
		for _, d := range districts {
			for _, t := range p.themeIDs() {
				if slices.Contains(themes, t) {
					add(themeDistrictKey(t, d), groupBoth)
				}
			}
		}
	}
	return out
}
