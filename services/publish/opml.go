package publish

import (
	"encoding/xml"
	"net/http"
	"time"
)

// OPML 2.0, so a feed reader imports every feed at once.
type opml struct {
	XMLName xml.Name    `xml:"opml"`
	Version string      `xml:"version,attr"`
	Title   string      `xml:"head>title"`
	Created string      `xml:"head>dateCreated"`
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

func (p *Publisher) serveOPML(w http.ResponseWriter, r *http.Request) {
	doc := opml{Version: "2.0", Title: p.opts.Title + " feeds", Created: time.Now().UTC().Format(time.RFC1123)}
	index := map[string]int{}
	for _, e := range p.catalog() {
		i, ok := index[e.Group]
		if !ok {
			i = len(doc.Groups)
			index[e.Group] = i
			doc.Groups = append(doc.Groups, opmlGroup{Text: e.Group})
		}
		doc.Groups[i].Outlines = append(doc.Groups[i].Outlines, opmlOutline{
			Type: "rss", Text: e.Title, Title: e.Title,
			XMLURL:  p.opts.BaseURL + "/feeds/" + e.Key + ".atom",
			HTMLURL: p.opts.BaseURL + "/",
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
