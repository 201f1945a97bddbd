package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
)

// pages is a small web site: bodies by request URI (path and query), with
// a count of requests per URI.
type pages struct {
	mu          sync.Mutex
	body        map[string]string
	contentType string
	hits        map[string]int
}

// pages serves a new site at the root of the env's server.
func (e *env) pages() *pages {
	p := &pages{body: map[string]string{}, hits: map[string]int{}}
	e.mux.Handle("/", p)
	return p
}

func (p *pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.hits[r.URL.RequestURI()]++
	body, ok := p.body[r.URL.RequestURI()]
	ct := p.contentType
	p.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if ct == "" {
		ct = "text/html; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	fmt.Fprint(w, body)
}

func (p *pages) set(uri, body string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.body[uri] = body
}

func (p *pages) count(uri string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits[uri]
}

// card is one news item on a list page.
type card struct{ title, slug, date, category, intro string }

// listPage renders a news list the way the partner sites do: a cookie
// banner, navigation, the cards, a next link, a footer and scripts.
func listPage(cards []card, next string) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Nieuws</title><script>var _paq=[];</script></head><body>
<div class="cookie-banner">Deze website gebruikt cookies. <button>Akkoord</button></div>
<header><nav><a href="/">Home</a> <a href="/nieuws">Nieuws</a> <a href="/over-ons">Over ons</a></nav></header>
<main><h1>Nieuws</h1><div class="news-overview">`)
	for _, c := range cards {
		fmt.Fprintf(&b, `<article class="news-card"><div class="news-card__meta"><span class="news-card__category">%s</span> | <span class="news-card__date">%s</span></div>
<h3 class="news-card__title">%s</h3><p class="news-card__intro">%s</p><a class="news-card__more" href="/nieuws/%s">Lees artikel</a></article>`,
			c.category, c.date, c.title, c.intro, c.slug)
	}
	b.WriteString(`</div>`)
	if next != "" {
		fmt.Fprintf(&b, `<nav class="pager"><a rel="next" href="%s">Volgende pagina</a></nav>`, next)
	}
	b.WriteString(`</main><footer><p>Veiligheidscoalitie Midden-Nederland</p></footer><script src="/js/app.js"></script></body></html>`)
	return b.String()
}

func articlePage(title, body string) string {
	return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>` + title + `</title></head><body>
<header><nav><a href="/">Home</a></nav></header><main><article><h1>` + title + `</h1>
<div class="article__body">` + body + `</div><div class="share">Deel dit bericht: <a href="https://x.example/share">X</a></div></article></main>
<footer>Postbus 1234</footer></body></html>`
}

// cardsScrape are the selectors of listPage.
var cardsScrape = config.Scrape{
	Item: "article.news-card", Title: ".news-card__title", Link: "a.news-card__more",
	Date: ".news-card__date", Summary: ".news-card__intro", Category: ".news-card__category",
	Next: "a[rel=next]",
}

func htmlSource(id, url string, sc config.Scrape) config.Source {
	return config.Source{ID: id, Name: id, Kind: "html", URL: url, Schedule: "@every 10m", Scrape: &sc, Home: "midden-nederland", Network: loopback}
}

// nieuws returns n cards, newest first, dated one day apart from 20 Dec 2023.
func nieuws(from, n int) []card {
	var cs []card
	for i := from; i < from+n; i++ {
		cs = append(cs, card{
			title: fmt.Sprintf("Bericht %d over ondermijning", i), slug: fmt.Sprintf("bericht-%d", i),
			date: fmt.Sprintf("%d dec. 2023", 20-i), category: "Achtergrondinfo",
			intro: fmt.Sprintf("Samenvatting %d van het bericht.", i),
		})
	}
	return cs
}

func TestScrapePaginationAndFollow(t *testing.T) {
	e := newEnv(t)
	site := e.pages()
	site.set("/nieuws", listPage(nieuws(0, 2), "/nieuws?page=2"))
	site.set("/nieuws?page=2", listPage(nieuws(2, 2), "?page=3"))
	site.set("/nieuws?page=3", listPage(nieuws(4, 2), ""))
	site.set("/nieuws?page=4", listPage(nieuws(6, 2), "")) // beyond the depth
	for i := range 8 {
		site.set(fmt.Sprintf("/nieuws/bericht-%d", i), articlePage(fmt.Sprintf("Bericht %d", i),
			fmt.Sprintf(`<p>De volledige tekst van bericht %d, met <a href="/bijlage-%d.pdf">de bijlage</a>.</p>`, i, i)))
	}
	sc := cardsScrape
	sc.Depth, sc.Follow, sc.Body = 3, true, ".article__body"
	src := htmlSource("veiligheidscoalitie", e.srv.URL+"/nieuws", sc)
	s := e.service(t, src)
	ctx := context.Background()

	t.Run("first import reads the configured depth and every article", func(t *testing.T) {
		if err := s.Poll(ctx, src); err != nil {
			t.Fatal(err)
		}
		items := e.raw(t, src.ID)
		if len(items) != 6 {
			t.Fatalf("%d items, want 6 from three pages", len(items))
		}
		it := items[0]
		want := item.Item{
			ID: it.ID, Source: src.ID, URL: e.srv.URL + "/nieuws/bericht-0",
			Title: "Bericht 0 over ondermijning", Summary: "Samenvatting 0 van het bericht.",
			Content:   `<p>De volledige tekst van bericht 0, met <a href="` + e.srv.URL + `/bijlage-0.pdf" rel="noreferrer">de bijlage</a>.</p>`,
			Published: time.Date(2023, 12, 19, 23, 0, 0, 0, time.UTC), Language: "nl",
			Categories: []string{"Achtergrondinfo"}, Home: "midden-nederland",
		}
		if g, w := jsonOf(t, it), jsonOf(t, want); g != w {
			t.Errorf("first item\n got %s\nwant %s", g, w)
		}
		for i := range 6 {
			if n := site.count(fmt.Sprintf("/nieuws/bericht-%d", i)); n != 1 {
				t.Errorf("article %d fetched %d times, want once", i, n)
			}
		}
		if site.count("/nieuws?page=4") != 0 {
			t.Error("read a page beyond the depth")
		}
		st := e.state(t, s, src.ID)
		if seen := e.seen(t, s, src.ID); st.ItemsFound != 6 || len(seen) != 6 || st.Broken != "" {
			t.Errorf("state: %d found, %d seen, broken %q", st.ItemsFound, len(seen), st.Broken)
		}
	})

	t.Run("later polls read the first page and only new articles", func(t *testing.T) {
		site.set("/nieuws", listPage(append([]card{{title: "Nieuw bericht", slug: "nieuw", date: "21 dec. 2023", category: "Tips", intro: "Nieuw."}}, nieuws(0, 2)...), "/nieuws?page=2"))
		site.set("/nieuws/nieuw", articlePage("Nieuw", "<p>Nieuwe tekst.</p>"))
		e.clock.Advance(10 * time.Minute)
		if err := s.Poll(ctx, src); err != nil {
			t.Fatal(err)
		}
		if n := site.count("/nieuws?page=2"); n != 1 {
			t.Errorf("page 2 read %d times, want once (first import only)", n)
		}
		if n := site.count("/nieuws/bericht-0"); n != 1 {
			t.Errorf("known article fetched %d times, want once", n)
		}
		items := e.raw(t, src.ID)
		if len(items) != 7 || items[6].Title != "Nieuw bericht" || items[6].Content != "<p>Nieuwe tekst.</p>" {
			t.Fatalf("%d items, last %+v; want the new one added", len(items), items[len(items)-1])
		}
		if st, seen := e.state(t, s, src.ID), e.seen(t, s, src.ID); st.ItemsFound != 3 || len(seen) != 3 {
			t.Errorf("state: %d found, %d seen; want the 3 of the first page", st.ItemsFound, len(seen))
		}
	})
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestScrapeUndatedKeepsFirstSeen: an item without a date is dated when it
// was first seen, says so, and keeps that date on later polls.
func TestScrapeUndatedKeepsFirstSeen(t *testing.T) {
	e := newEnv(t)
	site := e.pages()
	cards := nieuws(0, 2)
	site.set("/nieuwsbrief", listPage(cards, ""))
	sc := cardsScrape
	sc.Date = "" // the newsletter prints no dates
	src := htmlSource("nieuwsbrief", e.srv.URL+"/nieuwsbrief", sc)
	s := e.service(t, src)
	first := e.clock.Now().UTC()
	if err := s.Poll(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	cards = append([]card{{title: "Later bericht", slug: "later", intro: "Later."}}, cards...)
	site.set("/nieuwsbrief", listPage(cards, ""))
	if err := s.Poll(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	items := e.raw(t, src.ID)
	if len(items) != 3 {
		t.Fatalf("%d messages on the raw stream, want 3 (an unchanged item is not published again)", len(items))
	}
	for _, it := range items {
		want := first
		if it.Title == "Later bericht" {
			want = first.Add(time.Hour)
		}
		if !it.DateGuessed || !it.Published.Equal(want) {
			t.Errorf("%q: published %v guessed %v, want %v guessed", it.Title, it.Published, it.DateGuessed, want)
		}
	}
}

// subscribe collects the alerts on baken.status.<source>.
func subscribe(t *testing.T, e *env, source string) <-chan Alert {
	t.Helper()
	ch := make(chan Alert, 10)
	sub, err := e.js.Conn().Subscribe(bus.StatusSubject+"."+source, func(m *nats.Msg) {
		var a Alert
		if err := json.Unmarshal(m.Data, &a); err != nil {
			t.Errorf("alert %s: %v", m.Data, err)
		}
		ch <- a
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	if err := e.js.Conn().Flush(); err != nil {
		t.Fatal(err)
	}
	return ch
}

func nextAlert(t *testing.T, ch <-chan Alert) Alert {
	t.Helper()
	select {
	case a := <-ch:
		return a
	case <-time.After(5 * time.Second):
		t.Fatal("no alert within 5s")
	}
	return Alert{}
}

func noAlert(t *testing.T, ch <-chan Alert) {
	t.Helper()
	select {
	case a := <-ch:
		t.Errorf("unexpected alert %+v", a)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestScrapeBreakageAlerts(t *testing.T) {
	e := newEnv(t)
	site := e.pages()
	src := htmlSource("veiligheidscoalitie", e.srv.URL+"/nieuws", cardsScrape)
	s := e.service(t, src)
	alerts := subscribe(t, e, src.ID)
	ctx := context.Background()
	poll := func(page string) State {
		t.Helper()
		site.set("/nieuws", page)
		e.clock.Advance(10 * time.Minute)
		if err := s.Poll(ctx, src); err != nil {
			t.Fatal(err)
		}
		return e.state(t, s, src.ID)
	}

	if st := poll(listPage(nieuws(0, 4), "")); st.Broken != "" || st.ItemsFound != 4 {
		t.Fatalf("healthy page: state %+v", st)
	}
	noAlert(t, alerts)

	// The site is redesigned: the cards are gone.
	redesign := strings.ReplaceAll(listPage(nieuws(0, 4), ""), "news-card", "teaser")
	st := poll(redesign)
	const noItems = `no items: item selector "article.news-card" matched nothing`
	if st.Broken != noItems || st.ItemsFound != 0 || st.LastError != "" || !st.BrokenSince.Equal(e.clock.Now()) {
		t.Errorf("after the redesign: broken %q, %d found, error %q, since %v", st.Broken, st.ItemsFound, st.LastError, st.BrokenSince)
	}
	a := nextAlert(t, alerts)
	if a.Status != "broken" || a.Source != src.ID || a.Reason != noItems || a.ItemsFound != 0 || a.URL != src.URL {
		t.Errorf("alert = %+v", a)
	}

	// Still broken, for another reason: no second alert.
	dateless := strings.ReplaceAll(listPage(nieuws(0, 4), ""), "news-card__date", "datum")
	if st := poll(dateless); st.Broken != `date missing on 4 of 4 items (selector ".news-card__date")` {
		t.Errorf("dates gone: broken %q", st.Broken)
	}
	noAlert(t, alerts)

	// Repaired.
	if st := poll(listPage(nieuws(0, 4), "")); st.Broken != "" || !st.BrokenSince.IsZero() {
		t.Errorf("repaired: broken %q since %v", st.Broken, st.BrokenSince)
	}
	if a := nextAlert(t, alerts); a.Status != "recovered" || a.Reason != "" || a.ItemsFound != 4 {
		t.Errorf("alert = %+v", a)
	}

	// One item in four without a date is no breakage.
	cards := nieuws(0, 4)
	cards[2].date = "binnenkort"
	if st := poll(listPage(cards, "")); st.Broken != "" {
		t.Errorf("one undated item: broken %q", st.Broken)
	}
	noAlert(t, alerts)
}

func TestScrapeRobots(t *testing.T) {
	e := newEnv(t)
	site := e.pages()
	site.set("/robots.txt", "User-agent: *\nDisallow: /intern/\n\nUser-agent: Baken\nDisallow: /zoeken\n")
	site.set("/nieuws", listPage(nieuws(0, 1), ""))
	site.set("/zoeken?q=nieuws", listPage(nieuws(0, 1), ""))
	allowed := htmlSource("nieuws", e.srv.URL+"/nieuws", cardsScrape)
	barred := htmlSource("zoeken", e.srv.URL+"/zoeken?q=nieuws", cardsScrape)
	s := e.service(t, allowed, barred)
	ctx := context.Background()
	if err := s.Poll(ctx, allowed); err != nil {
		t.Fatal(err)
	}
	err := s.Poll(ctx, barred)
	if err == nil || !strings.Contains(err.Error(), "scrape zoeken") || !strings.Contains(err.Error(), "disallowed by robots.txt for Baken") {
		t.Errorf("Poll(barred) = %v, want a robots.txt error naming the source", err)
	}
	if st := e.state(t, s, barred.ID); st.Failures != 1 || !strings.Contains(st.LastError, "disallowed by robots.txt") {
		t.Errorf("state = %+v", st)
	}
	if n := site.count("/zoeken?q=nieuws"); n != 0 {
		t.Errorf("a disallowed page was fetched %d times", n)
	}
	e.clock.Advance(10 * time.Minute)
	if err := s.Poll(ctx, allowed); err != nil {
		t.Fatal(err)
	}
	if n := site.count("/robots.txt"); n != 1 {
		t.Errorf("robots.txt fetched %d times, want once (cached)", n)
	}
}

// TestScrapeCharsets: pages in legacy encodings, declared in the header or
// in a meta tag, come out as UTF-8.
func TestScrapeCharsets(t *testing.T) {
	const title = "Coördinator: “dreiging reëel”"
	win1252 := func(s string) string {
		var b []byte
		for _, r := range s {
			switch r {
			case '“':
				b = append(b, 0x93)
			case '”':
				b = append(b, 0x94)
			default:
				b = append(b, byte(r)) // Latin-1 range
			}
		}
		return string(b)
	}
	tests := []struct {
		name, contentType, meta string
	}{
		{"header", "text/html; charset=windows-1252", ""},
		{"meta tag", "text/html", `<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">`},
		{"html5 meta charset", "text/html", `<meta charset="windows-1252">`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			site := e.pages()
			site.contentType = tt.contentType
			page := strings.Replace(listPage([]card{{title: title, slug: "dtn", date: "12 dec. 2023", intro: "Het niveau is reëel."}}, ""),
				`<meta charset="utf-8">`, tt.meta, 1)
			site.set("/nieuws", win1252(page))
			src := htmlSource("nctv", e.srv.URL+"/nieuws", cardsScrape)
			s := e.service(t, src)
			if err := s.Poll(context.Background(), src); err != nil {
				t.Fatal(err)
			}
			items := e.raw(t, src.ID)
			if len(items) != 1 || items[0].Title != title || items[0].Summary != "Het niveau is reëel." {
				t.Errorf("items = %+v", items)
			}
		})
	}
}

// TestScrapeSanitises: scripts, styles and event handlers on the list page
// or the article page never reach an item.
func TestScrapeSanitises(t *testing.T) {
	e := newEnv(t)
	site := e.pages()
	site.set("/nieuws", listPage([]card{{title: `Oproep<script>alert(1)</script>`, slug: "oproep", date: "2 jan. 2024",
		intro: `<b onclick="steal()">Getuigen</b> gezocht<style>p{}</style> <a href="javascript:alert(1)">hier</a>`}}, ""))
	site.set("/nieuws/oproep", articlePage("Oproep", `<p onmouseover="x()" style="position:fixed">Tekst</p><iframe src="https://evil.example"></iframe><img src=x onerror="alert(1)"><script>alert(2)</script>`))
	sc := cardsScrape
	sc.Follow, sc.Body = true, ".article__body"
	src := htmlSource("hostile", e.srv.URL+"/nieuws", sc)
	s := e.service(t, src)
	if err := s.Poll(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	items := e.raw(t, src.ID)
	if len(items) != 1 {
		t.Fatalf("%d items", len(items))
	}
	it := items[0]
	if p := activeMarkup(it.Content); p != "" {
		t.Errorf("content %q keeps %s", it.Content, p)
	}
	for _, s := range []string{it.Title, it.Summary} {
		if strings.ContainsAny(s, "<>") || strings.Contains(s, "alert") {
			t.Errorf("plain field %q keeps markup or script", s)
		}
	}
	if !strings.Contains(it.Content, "Tekst") {
		t.Errorf("content %q lost the text", it.Content)
	}
}

// TestScrapeBadInput: every kind of bad page ends as a readable error or
// breakage on that source's status, while a source on another host goes
// on.
func TestScrapeBadInput(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantErr    string // in LastError
		wantBroken string // in Broken, when the poll itself succeeds
	}{
		{"broken html", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<html><body><div class="news-overview"><article class="news-card"><h3 class="news-card__titl`)
		}, "", `title missing on 1 of 1 items (selector ".news-card__title")`},
		{"page without items", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<html><body><h1>Onderhoud</h1><p>We zijn zo terug.</p></body></html>`)
		}, "", `no items: item selector "article.news-card" matched nothing`},
		{"empty page", func(w http.ResponseWriter, r *http.Request) {}, ErrEmptyPage.Error(), ""},
		{"50 MB page", func(w http.ResponseWriter, r *http.Request) {
			chunk := strings.Repeat(`<article class="news-card"><h3 class="news-card__title">Vuurwerk</h3></article>`, 13)
			for range (50 << 20) / len(chunk) {
				if _, err := fmt.Fprint(w, chunk); err != nil {
					return
				}
			}
		}, ErrTooLarge.Error(), ""},
		{"endless redirects", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		}, "redirects (loop?)", ""},
		{"never answers", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}, "deadline exceeded", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					http.NotFound(w, r)
					return
				}
				tt.handler(w, r)
			}))
			t.Cleanup(bad.Close)
			good := e.pages()
			good.set("/nieuws", listPage(nieuws(0, 3), ""))
			badSrc := htmlSource("kapot", bad.URL+"/nieuws", cardsScrape)
			goodSrc := htmlSource("heel", e.srv.URL+"/nieuws", cardsScrape)
			s := e.serviceWith(t, func(c *config.Config) { c.Ingest.Timeout = time.Second }, badSrc, goodSrc)

			start := time.Now()
			err := s.Poll(context.Background(), badSrc)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the bad source took %v", d)
			}
			st := e.state(t, s, badSrc.ID)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), "scrape kapot") || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("Poll = %v, want an error naming the source with %q", err, tt.wantErr)
				}
				if st.Failures != 1 || !strings.Contains(st.LastError, tt.wantErr) || !st.NextAttempt.After(e.clock.Now()) {
					t.Errorf("state = %+v, want the error and a next attempt", st)
				}
			} else if err != nil || !strings.Contains(st.Broken, tt.wantBroken) || st.Failures != 0 {
				t.Errorf("Poll = %v, state %+v; want broken %q", err, st, tt.wantBroken)
			}
			if n := len(e.raw(t, badSrc.ID)); n != 0 {
				t.Errorf("%d items from the bad source", n)
			}
			if err := s.Poll(context.Background(), goodSrc); err != nil {
				t.Fatal(err)
			}
			if n := len(e.raw(t, goodSrc.ID)); n != 3 {
				t.Errorf("%d items from the good source, want 3", n)
			}
		})
	}
}

// TestRunHangingHostDelaysNoOther: while one host never answers, a source
// on another host is read at once.
func TestRunHangingHostDelaysNoOther(t *testing.T) {
	e := newEnv(t)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(hang.Close)
	good := e.pages()
	good.set("/nieuws", listPage(nieuws(0, 3), ""))
	hung := htmlSource("traag", hang.URL+"/nieuws", cardsScrape)
	fine := htmlSource("vlot", e.srv.URL+"/nieuws", cardsScrape)
	s := e.service(t, hung, fine) // 30s time limit per request
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	start := time.Now()
	for len(e.raw(t, fine.ID)) < 3 {
		if time.Since(start) > 5*time.Second {
			t.Fatal("the good source waited for the hanging one")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestScrapeRetryAfterHoldsTheHost: a 429 on an article page stops the
// scrape, backs the source off as long as asked, and keeps every source on
// that host from asking meanwhile.
func TestScrapeRetryAfterHoldsTheHost(t *testing.T) {
	e := newEnv(t)
	e.clock.t = time.Now().Truncate(time.Second) // Retry-After is read against the wall clock
	site := e.pages()
	e.mux.HandleFunc("/nieuws/bericht-0", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		http.Error(w, "rustig aan", http.StatusTooManyRequests)
	})
	site.set("/nieuws", listPage(nieuws(0, 2), ""))
	site.set("/archief", listPage(nieuws(5, 2), ""))
	sc := cardsScrape
	sc.Follow = true
	first := htmlSource("nieuws", e.srv.URL+"/nieuws", sc)
	second := htmlSource("archief", e.srv.URL+"/archief", cardsScrape)
	s := e.service(t, first, second)
	now := e.clock.Now()
	err := s.Poll(context.Background(), first)
	if err == nil || !strings.Contains(err.Error(), "429") {
		t.Fatalf("Poll = %v, want the 429", err)
	}
	if st := e.state(t, s, first.ID); st.NextAttempt.Sub(now) < 2*time.Minute {
		t.Errorf("next attempt in %v, want at least the 2m asked", st.NextAttempt.Sub(now))
	}
	if n := len(e.raw(t, first.ID)); n != 0 {
		t.Errorf("%d items published from an interrupted scrape", n)
	}
	err = s.Poll(context.Background(), second)
	if err == nil || !strings.Contains(err.Error(), "asked to wait until") {
		t.Fatalf("Poll(same host) = %v, want it held back", err)
	}
	if site.count("/archief") != 0 {
		t.Error("the other source asked the host anyway")
	}
	if st := e.state(t, s, second.ID); st.NextAttempt.Sub(now) < 110*time.Second {
		t.Errorf("other source's next attempt in %v, want about 2m", st.NextAttempt.Sub(now))
	}
}
