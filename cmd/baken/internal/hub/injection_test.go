package hub

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
)

// loadPayloads reads testdata/payloads.txt and makes five variants of
// each: as is, upper case, entity-encoded (text that decodes into markup
// once more), white space inside the tags, and cut off mid-tag.
func loadPayloads(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("testdata/payloads.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := sc.Text()
		if p == "" || strings.HasPrefix(p, "# ") {
			continue
		}
		out = append(out, p, strings.ToUpper(p), html.EscapeString(p),
			strings.ReplaceAll(p, " ", "\n\t "), p[:len(p)*2/3])
	}
	return out
}

// injectionSite serves a feed and a news site carrying every payload: a
// hostile source, as Baken meets it on the web.
func injectionSite(payloads []string) http.Handler {
	esc := func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		base := "http://" + r.Host
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Vijandige bron</title><link>`+base+`/</link><description>Een bron die scripts probeert</description>`)
		for i, p := range payloads {
			fmt.Fprintf(w, `<item><title>Bericht %d over phishing %s</title><link>%s/bericht/%d</link><guid isPermaLink="false">a-%d</guid>
<description>Bericht %d: de politie waarschuwt voor nepberichten. %s</description>
<content:encoded>&lt;p&gt;Bericht %d: inwoners van Utrecht ontvangen valse berichten.&lt;/p&gt;%s</content:encoded>
<dc:creator>%s</dc:creator><author>redactie@bron.example (%s)</author><category>%s</category>
<pubDate>Mon, 18 Dec 2023 09:%02d:00 +0000</pubDate></item>
<item><title>Link %d</title><link>%s</link><guid isPermaLink="false">b-%d</guid><description>Bericht met een vreemde link, nummer %d.</description>
<pubDate>Mon, 18 Dec 2023 10:%02d:00 +0000</pubDate></item>
`, i, esc(p), base, i, i, i, esc(p), i, esc(p), esc(p), esc(p), esc(p), i%60, i, esc(p), i, i, i%60)
		}
		fmt.Fprint(w, `</channel></rss>`)
	})
	mux.HandleFunc("/nieuws", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Nieuws</title></head><body><main>`)
		for i, p := range payloads {
			// The payload is markup here: the page itself is hostile.
			fmt.Fprintf(w, `<article class="card"><h3 class="card__title">Nieuwsbericht %d %s</h3><span class="card__date">%d december 2023</span>
<p class="card__intro">Samenvatting %d van het bericht. %s</p><span class="card__cat">%s</span><a class="card__more" href="/nieuws/%d">Lees meer</a></article>
`, i, p, 1+i%28, i, p, p, i)
		}
		fmt.Fprint(w, `</main></body></html>`)
	})
	mux.HandleFunc("/nieuws/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscan(r.PathValue("n"), &n); err != nil || n < 0 || n >= len(payloads) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Artikel %d</title></head><body><article><h1>Artikel %d</h1>
<div class="body"><p>Artikel %d: de gemeente neemt maatregelen tegen overlast.</p>%s</div></article></body></html>`, n, n, n, payloads[n])
	})
	mux.HandleFunc("/robots.txt", http.NotFound)
	return mux
}

// TestInjectionPayloads: no payload in any field of a hostile feed, a
// hostile scraped site or an item put straight on the curated stream
// reaches any output as something that runs.
func TestInjectionPayloads(t *testing.T) {
	payloads := loadPayloads(t)
	if len(payloads) < 200 {
		t.Fatalf("%d payloads, want at least 200", len(payloads))
	}
	detected := 0
	for _, p := range payloads {
		if len(htmlLeaks(p)) > 0 {
			detected++
		}
	}
	// The detector itself must see the raw payloads (entity-encoded and
	// cut-off variants are partly inert as they are).
	if detected < len(payloads)/2 {
		t.Fatalf("the leak detector sees only %d of %d raw payloads", detected, len(payloads))
	}

	site := httptest.NewServer(injectionSite(payloads))
	defer site.Close()
	cfg, err := config.Parse([]byte(`
ingest: {host_delay: 0s, allow_private: true}
publish: {feed_size: 5000, api_token: test-token}
nats: {user: baken, password: test-wachtwoord}
sources:
  - {id: vijandig, name: Vijandige bron, url: '` + site.URL + `/feed.rss'}
  - id: vijandige-site
    name: Vijandige site
    kind: html
    url: ` + site.URL + `/nieuws
    scrape: {item: article.card, title: .card__title, date: .card__date, summary: .card__intro, category: .card__cat, link: a.card__more, follow: true, body: .body}
`))
	if err != nil {
		t.Fatal(err)
	}
	natsAddr := freeAddr(t)
	h := startHubWith(t, Options{Config: cfg, DataDir: t.TempDir(), NATSListen: natsAddr})
	defer h.shutdown(t)

	// An item put on the curated stream by anyone who can reach NATS.
	nc, err := nats.Connect("nats://"+natsAddr, nats.UserInfo("baken", "test-wachtwoord"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	for i, p := range payloads {
		it := item.Item{ID: fmt.Sprintf("%032x", 0xbad0000+i), Source: p, URL: p, Title: "Op de bus " + p, Summary: p,
			Content: "<p>Ingevoegd</p>" + p, Published: time.Date(2023, 12, 19, 8, 0, 0, 0, time.UTC), Authors: []string{p},
			Categories: []string{p}, Places: []string{p}, Districts: []string{"utrecht-stad"},
			Themes: []item.Theme{{ID: "ondermijning", Score: 3, Matched: []string{p}}}, AlsoAt: []item.Location{{Source: p, URL: p}}}
		data, _ := json.Marshal(it)
		if _, err := js.Publish(context.Background(), bus.CuratedItemSubject(it.ID), data); err != nil {
			t.Fatal(err)
		}
	}

	// Wait until the view stops growing: every item has gone through.
	last, stable := -1, 0
	for deadline := time.Now().Add(90 * time.Second); stable < 3; time.Sleep(time.Second) {
		var health struct{ Items int }
		_ = json.Unmarshal(h.get(t, "/healthz"), &health)
		if health.Items == last && health.Items >= 2*len(payloads) {
			stable++
		} else {
			stable = 0
		}
		last = health.Items
		if time.Now().After(deadline) {
			t.Fatalf("the view did not settle: %d items", last)
		}
	}

	type check struct {
		output       string
		docs, fields int
		leaks        []string
	}
	var checks []*check
	add := func(output string) *check {
		c := &check{output: output}
		checks = append(checks, c)
		return c
	}
	note := func(c *check, where string, leaks []string) {
		c.fields++
		for _, l := range leaks {
			c.leaks = append(c.leaks, where+": "+l)
		}
	}

	rss := add("RSS /feeds/all.rss")
	rss.docs++
	walkXML(t, h.get(t, "/feeds/all.rss"), "item", func(name, typ, text string, attrs []xml.Attr) {
		switch name {
		case "link", "comments":
			if !safeURL(text) {
				note(rss, name, []string{text})
			} else {
				note(rss, name, nil)
			}
		default: // RSS says nothing of escaping: a reader may render any field as HTML
			note(rss, name, htmlLeaks(text))
		}
		for _, a := range attrs {
			if urlAttributes[a.Name.Local] && !safeURL(a.Value) {
				note(rss, name+"@"+a.Name.Local, []string{a.Value})
			}
		}
	})
	atomOut := add("Atom /feeds/all.atom")
	atomOut.docs++
	walkXML(t, h.get(t, "/feeds/all.atom"), "entry", func(name, typ, text string, attrs []xml.Attr) {
		switch {
		case typ == "html" || typ == "xhtml":
			note(atomOut, name, htmlLeaks(text))
		default:
			note(atomOut, name, nil) // type text (the default): shown as text
		}
		for _, a := range attrs {
			if urlAttributes[a.Name.Local] && !safeURL(a.Value) {
				note(atomOut, name+"@"+a.Name.Local, []string{a.Value})
			}
		}
	})

	var jf struct {
		Items []struct {
			ID          string `json:"id"`
			URL         string `json:"url"`
			ExternalURL string `json:"external_url"`
			ContentHTML string `json:"content_html"`
			Baken       struct {
				AlsoAt []item.Location `json:"also_at"`
			} `json:"_baken"`
		} `json:"items"`
	}
	jsonOut := add("JSON /feeds/all.json")
	jsonOut.docs++
	if err := json.Unmarshal(h.get(t, "/feeds/all.json"), &jf); err != nil {
		t.Fatal(err)
	}
	urlLeak := func(u string) []string {
		if safeURL(u) {
			return nil
		}
		return []string{u}
	}
	api := add("item API /api/items/{id}")
	for _, it := range jf.Items {
		note(jsonOut, "content_html", htmlLeaks(it.ContentHTML))
		note(jsonOut, "url", urlLeak(it.URL))
		note(jsonOut, "external_url", urlLeak(it.ExternalURL))
		for _, l := range it.Baken.AlsoAt {
			note(jsonOut, "also_at", urlLeak(l.URL))
		}
		id := strings.ReplaceAll(strings.TrimPrefix(it.ID, "urn:uuid:"), "-", "")
		var ir struct{ Item item.Item }
		if err := json.Unmarshal(h.get(t, "/api/items/"+id), &ir); err != nil {
			t.Fatalf("item %s: %v", id, err)
		}
		api.docs++
		note(api, "content", htmlLeaks(ir.Item.Content))
		note(api, "url", urlLeak(ir.Item.URL))
		for _, l := range ir.Item.AlsoAt {
			note(api, "also_at", urlLeak(l.URL))
		}
	}
	for _, path := range []string{"/", "/sources"} {
		c := add("page " + path)
		c.docs++
		note(c, "body", pageLeaks(string(h.get(t, path))))
	}

	var table strings.Builder
	fmt.Fprintf(&table, "%d payloads (%d raw ones seen by the detector), in title, summary, content, link, author and category of %d feed entries, %d scraped cards and articles, %d items put on the bus\n",
		len(payloads), detected, 2*len(payloads), len(payloads), len(payloads))
	fmt.Fprintf(&table, "%-28s %8s %8s %6s\n", "output", "docs", "fields", "leaks")
	for _, c := range checks {
		fmt.Fprintf(&table, "%-28s %8d %8d %6d\n", c.output, c.docs, c.fields, len(c.leaks))
		for i, l := range c.leaks {
			if i == 5 {
				t.Errorf("%s: %d more leaks", c.output, len(c.leaks)-5)
				break
			}
			t.Errorf("%s: leak in %s", c.output, l)
		}
	}
	t.Logf("injection payloads:\n%s", table.String())
	if len(jf.Items) < 2*len(payloads) {
		t.Errorf("all.json holds %d items, want at least %d: the test checked too little", len(jf.Items), 2*len(payloads))
	}
}

// walkXML calls fn for every element inside each element named within
// (item, entry): its name, its type attribute, its inner text (an
// xhtml element's inner markup) and its attributes.
func walkXML(t *testing.T, doc []byte, within string, fn func(name, typ, text string, attrs []xml.Attr)) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(string(doc)))
	depth, inside := 0, 0
	type open struct {
		name, typ string
		attrs     []xml.Attr
		text      strings.Builder
	}
	var stack []*open
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("feed does not parse: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			depth++
			if tk.Name.Local == within && inside == 0 {
				inside = depth
				continue
			}
			if inside > 0 {
				o := &open{name: tk.Name.Local, attrs: tk.Attr}
				for _, a := range tk.Attr {
					if a.Name.Local == "type" {
						o.typ = a.Value
					}
				}
				stack = append(stack, o)
			}
		case xml.CharData:
			if n := len(stack); n > 0 {
				stack[n-1].text.Write(tk)
			}
		case xml.EndElement:
			if inside > 0 && depth == inside {
				inside = 0
			} else if n := len(stack); n > 0 {
				o := stack[n-1]
				stack = stack[:n-1]
				fn(o.name, o.typ, o.text.String(), o.attrs)
			}
			depth--
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	return addr
}
