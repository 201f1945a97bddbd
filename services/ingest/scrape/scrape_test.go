package scrape

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/bakenhub/baken/pkg/config"
)

var (
	amsterdam, _ = time.LoadLocation("Europe/Amsterdam")
	now          = time.Date(2024, 1, 6, 12, 0, 0, 0, amsterdam)
)

func ams(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, amsterdam)
}

func extractor(t testing.TB, c config.Scrape) *Extractor {
	t.Helper()
	x, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		cfg  config.Scrape
		url  string
		page string
		want Page
	}{
		{
			name: "cards with category, date and a Lees artikel link",
			cfg:  config.Scrape{Item: "article.card", Title: "h3", Link: "a:contains('Lees artikel')", Date: ".date", Summary: "p.intro", Category: ".category"},
			url:  "https://www.veiligheidscoalitie.nl/nieuws",
			page: `<main><article class="card"><div><span class="category">Campagnes</span> | <span class="date">20 dec. 2023</span></div>
				<h3>Werf jij al   Burgernetdeelnemers?</h3><p class="intro">Na de <a href="/campagnes">campagne</a>.</p>
				<a href="/nieuws/werf-jij-al-burgernetdeelnemers">Lees artikel</a></article>
				<article class="card"><div><span class="category">Tips</span> | <span class="date">23 nov. 2023</span></div>
				<h3>Nieuwe podcast</h3><p class="intro">Explosieven plaatsen.</p><a href="https://open.spotify.com/x">Luister</a></article></main>`,
			want: Page{Found: 2, Entries: []Entry{{
				Title: "Werf jij al Burgernetdeelnemers?", URL: "https://www.veiligheidscoalitie.nl/nieuws/werf-jij-al-burgernetdeelnemers",
				Published: ams(2023, 12, 20, 0, 0), DateText: "20 dec. 2023",
				Summary:    `<p class="intro">Na de <a href="https://www.veiligheidscoalitie.nl/campagnes">campagne</a>.</p>`,
				Categories: []string{"Campagnes"},
			}}, Skipped: []string{`item 2 ("Nieuwe podcast"): no link`}, Missing: map[string]int{"link": 1}},
		},
		{
			name: "title link, time and date in two elements, base href",
			cfg:  config.Scrape{Item: "article", Title: ".entry-title", Date: ".time, .date"},
			url:  "http://vl-nieuws.nl/tag/veiligheid/",
			page: `<head><base href="https://vl-nieuws.nl/"></head><article><h2 class="entry-title"><a href="103913-2/">Hoe het Veiligheidsnetwerk werkt</a></h2>
				<span class="time">05:25</span><span class="date">24 juli 2021</span></article>`,
			want: Page{Found: 1, Entries: []Entry{{
				Title: "Hoe het Veiligheidsnetwerk werkt", URL: "https://vl-nieuws.nl/103913-2/",
				Published: ams(2021, 7, 24, 5, 25), DateText: "05:25 24 juli 2021",
			}}},
		},
		{
			name: "the item is the link; datetime attribute; next page",
			cfg:  config.Scrape{Item: "ol.results a.publication", Title: "h3", Date: "time", Next: "a[rel=next]"},
			url:  "https://www.nctv.nl/actueel/nieuws",
			page: `<ol class="results"><li><a class="publication" href="nieuws/2023/12/12/dtn"><h3>DTN verschenen</h3>
				<time datetime="2023-12-12T10:00:00+01:00">12-12-2023</time></a></li>
				<li><a class="publication" href="nieuws/2023/12/05/barometer"><h3>Barometer</h3><time>vandaag</time></a></li>
				<li><a class="publication" href="nieuws/x"><h3> </h3><time>geen datum</time></a></li></ol>
				<a rel="next" href="?pagina=2">Volgende</a>`,
			want: Page{Found: 3, Entries: []Entry{
				{Title: "DTN verschenen", URL: "https://www.nctv.nl/actueel/nieuws/2023/12/12/dtn", Published: time.Date(2023, 12, 12, 9, 0, 0, 0, time.UTC), DateText: "2023-12-12T10:00:00+01:00"},
				{Title: "Barometer", URL: "https://www.nctv.nl/actueel/nieuws/2023/12/05/barometer", Published: ams(2024, 1, 6, 0, 0), DateText: "vandaag"},
			}, Skipped: []string{"item 3: no title"}, Missing: map[string]int{"date": 1}, Next: "https://www.nctv.nl/actueel/nieuws?pagina=2"},
		},
		{
			name: "nothing matches",
			cfg:  config.Scrape{Item: "article.card", Title: "h3"},
			url:  "https://www.veiligheidsalliantie.nl/nieuws",
			page: `<html><body><h1>Onderhoud</h1><p>Deze site is tijdelijk niet beschikbaar.</p></body></html>`,
			want: Page{},
		},
		{
			name: "an empty page",
			cfg:  config.Scrape{Item: "article", Title: "h2"},
			url:  "https://www.veiligheidsalliantie.nl/nieuws",
			want: Page{},
		},
		{
			name: "broken HTML still yields what it holds",
			cfg:  config.Scrape{Item: "li.news", Title: "h3", Summary: "p"},
			url:  "https://jv2022.nh-sv.nl/",
			page: `<ul><li class="news"><h3><a href="/thema/a">Verbindende schakel<p>Kort</li><li class="news"><h3><a href='/thema/b'>Overig</h3><p>Tekst <b>vet`,
			want: Page{Found: 2, Entries: []Entry{
				{Title: "Verbindende schakel Kort", URL: "https://jv2022.nh-sv.nl/thema/a", Summary: "<p>Kort</p>"},
				// As a browser does: the unclosed link goes on into the paragraph.
				{Title: "Overig", URL: "https://jv2022.nh-sv.nl/thema/b", Summary: `<p><a href="https://jv2022.nh-sv.nl/thema/b">Tekst <b>vet</b></a></p>`},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := extractor(t, tt.cfg).Parse(tt.url, strings.NewReader(tt.page), now)
			if err != nil {
				t.Fatal(err)
			}
			for i := range got.Entries {
				got.Entries[i].Published = got.Entries[i].Published.UTC()
			}
			for i := range tt.want.Entries {
				tt.want.Entries[i].Published = tt.want.Entries[i].Published.UTC()
			}
			if !reflect.DeepEqual(*got, tt.want) {
				g, _ := json.MarshalIndent(got, "", "  ")
				w, _ := json.MarshalIndent(tt.want, "", "  ")
				t.Errorf("got\n%s\nwant\n%s", g, w)
			}
		})
	}
}

func TestArticle(t *testing.T) {
	const page = `<html><head><meta property="article:published_time" content="2023-07-11T09:30:00+02:00"></head><body>
		<div class="cookie-banner"><p>Wij gebruiken cookies om de website te verbeteren, analyseren en personaliseren.</p></div>
		<header><nav><a href="/">Home</a> <a href="/nieuws">Nieuws</a></nav></header>
		<main><h1>Netwerkbijeenkomst</h1><div class="article__body"><p>Meld je nu via <a href="/aanmelden">deze link</a> aan voor de bijeenkomst in Zwijndrecht, op 18 september.</p>
		<p>De bijeenkomst vindt plaats in de raadzaal van het gemeentehuis, met koffie en thee.</p><img src="zaal.jpg" alt=""></div>
		<aside class="sidebar"><p>Lees ook: andere berichten over polarisatie, radicalisering en extremisme.</p></aside></main>
		<footer><p>Veiligheidsalliantie regio Rotterdam, Postbus 1234, 3000 AA Rotterdam</p></footer><script>track()</script></body></html>`
	const body = `<p>Meld je nu via <a href="https://www.veiligheidsalliantie.nl/aanmelden">deze link</a> aan voor de bijeenkomst in Zwijndrecht, op 18 september.</p>
		<p>De bijeenkomst vindt plaats in de raadzaal van het gemeentehuis, met koffie en thee.</p><img src="https://www.veiligheidsalliantie.nl/nieuws/zaal.jpg" alt=""/>`
	tests := []struct {
		name        string
		body        string
		wantMissing bool
	}{
		{"body selector", ".article__body", false},
		{"readability fallback", "", false},
		{"body selector matches nothing: fallback and say so", ".artikel-tekst", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := extractor(t, config.Scrape{Item: "li", Title: "h3", Follow: true, Body: tt.body})
			a, err := x.Article("https://www.veiligheidsalliantie.nl/nieuws/netwerkbijeenkomst", strings.NewReader(page), now)
			if err != nil {
				t.Fatal(err)
			}
			if a.Content != body {
				t.Errorf("content =\n%s\nwant\n%s", a.Content, body)
			}
			if a.BodyMissing != tt.wantMissing {
				t.Errorf("BodyMissing = %v, want %v", a.BodyMissing, tt.wantMissing)
			}
			if want := ams(2023, 7, 11, 9, 30); !a.Published.Equal(want) {
				t.Errorf("published = %v, want %v", a.Published, want)
			}
		})
	}
}

func TestReadabilityPrefersTextOverLinks(t *testing.T) {
	const page = `<body><div id="menu-wrapper"><ul><li><a href="/a">Ondermijning, drugs, witwassen en vastgoed in de regio</a></li>
		<li><a href="/b">Zorg en veiligheid, huisverbod, verward gedrag en nazorg</a></li></ul></div>
		<div class="links"><p><a href="/c">Een lange alinea die alleen uit een link bestaat, met komma's, veel komma's, heel veel.</a></p></div>
		<div class="thema-detail"><h2>Resultaten &amp; effecten</h2><p>We hebben drie zogenoemde pressure cookers georganiseerd, met partners.</p>
		<p>Een pressure cooker is een methode om in een kort tijdsbestek tot de kern te komen.</p></div>
		<section class="comments"><p>Reactie: wat een mooi initiatief, goed gedaan allemaal!</p></section></body>`
	doc, _, err := load("https://jv2022.nh-sv.nl/thema/zorg-veiligheid/", strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := mainContent(doc).Html()
	if !strings.HasPrefix(got, "<h2>Resultaten &amp; effecten</h2>") || !strings.Contains(got, "kern te komen") {
		t.Errorf("main content = %s", got)
	}
	for _, bad := range []string{"Reactie", "Ondermijning, drugs", "alleen uit een link"} {
		if strings.Contains(got, bad) {
			t.Errorf("main content keeps %q", bad)
		}
	}
}

func TestResolveLinks(t *testing.T) {
	const base = "https://www.nctv.nl/actueel/nieuws/2023/12/12/dtn"
	tests := []struct{ in, want string }{
		{`<a href="/onderwerpen/dtn">DTN</a>`, `<a href="https://www.nctv.nl/onderwerpen/dtn">DTN</a>`},
		{`<a href="../05/barometer">b</a>`, `<a href="https://www.nctv.nl/actueel/nieuws/2023/12/05/barometer">b</a>`},
		{`<img src="//cdn.nctv.nl/dtn.png" srcset="dtn.png 1x, /dtn@2x.png 2x">`, `<img src="https://cdn.nctv.nl/dtn.png" srcset="https://www.nctv.nl/actueel/nieuws/2023/12/12/dtn.png 1x, https://www.nctv.nl/dtn@2x.png 2x"/>`},
		{`<a href="#samenvatting">s</a> <a href="mailto:info@nctv.nl">m</a>`, `<a href="#samenvatting">s</a> <a href="mailto:info@nctv.nl">m</a>`},
		{`<blockquote cite="bron.html">q</blockquote>`, `<blockquote cite="https://www.nctv.nl/actueel/nieuws/2023/12/12/bron.html">q</blockquote>`},
		{`plain text, no markup`, `plain text, no markup`},
		{`<a href="https://english.nctv.nl/">en</a>`, `<a href="https://english.nctv.nl/">en</a>`},
	}
	for _, tt := range tests {
		if got := ResolveLinks(tt.in, base); got != tt.want {
			t.Errorf("ResolveLinks(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
	if got := ResolveLinks(`<a href="/x">x</a>`, "not a url"); got != `<a href="/x">x</a>` {
		t.Errorf("without a usable base: %q", got)
	}
}

// FuzzExtract: whatever a page holds, extraction does not fail or panic,
// accounts for every item it matched, keeps only entries with a title and
// a link, and leaves no relative link behind.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		`<article class="card"><span class="date">20 dec. 2023</span><h3><a href="/nieuws/a">A</a></h3><p>x</p></article>`,
		`<article class="card"><h3>B</h3><a href="b">Lees meer</a><img src="i.png" srcset="a.png 1x, b.png 2x"></article><a rel="next" href="?p=2">`,
		`<base href="https://elders.example/"><article class="card"><h3><a href="../../x">C</a></h3></article>`,
		`<article class="card"><h3><a href="javascript:alert(1)">D</a></h3><p onclick="x()">e</p><script>alert(1)</script></article>`,
		`<table><article class="card"><h3><a href="%zz">E</a>`,
		"",
	} {
		f.Add(s)
	}
	x := extractor(f, config.Scrape{Item: "article.card", Title: "h3", Date: ".date", Summary: "p", Category: ".cat", Next: "a[rel=next]", Follow: true})
	f.Fuzz(func(t *testing.T, page string) {
		p, err := x.Parse("https://www.veiligheidscoalitie.nl/nieuws/", strings.NewReader(page), now)
		if err != nil {
			t.Fatal(err)
		}
		if p.Found != len(p.Entries)+len(p.Skipped) {
			t.Errorf("found %d, but %d entries and %d skipped", p.Found, len(p.Entries), len(p.Skipped))
		}
		for field, n := range p.Missing {
			if n > p.Found {
				t.Errorf("%s missing on %d of %d items", field, n, p.Found)
			}
		}
		for _, e := range p.Entries {
			if e.Title == "" || e.URL == "" {
				t.Errorf("entry without title or link: %+v", e)
			}
			checkAbsolute(t, "url", e.URL)
			doc, _ := goquery.NewDocumentFromReader(strings.NewReader(e.Summary))
			doc.Find("[href], [src]").Each(func(_ int, s *goquery.Selection) {
				for _, a := range []string{"href", "src"} {
					if v, ok := s.Attr(a); ok {
						checkAbsolute(t, a, v)
					}
				}
			})
		}
		if _, err := x.Article("https://www.veiligheidscoalitie.nl/nieuws/a", strings.NewReader(page), now); err != nil {
			t.Fatal(err)
		}
	})
}

// checkAbsolute fails on a link that parses as relative (links that do
// not parse, or point within the page, are left for the sanitiser).
func checkAbsolute(t *testing.T, what, v string) {
	t.Helper()
	v = strings.TrimSpace(v)
	u, err := url.Parse(v)
	if err != nil || v == "" || strings.HasPrefix(v, "#") {
		return
	}
	if !u.IsAbs() {
		t.Errorf("%s %q is relative", what, v)
	}
}
