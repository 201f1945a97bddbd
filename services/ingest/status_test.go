package ingest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/bus"
)

func TestStatus(t *testing.T) {
	e := newEnv(t)
	site := e.pages()
	site.set("/nieuws", listPage(nieuws(0, 3), ""))
	site.set("/oud", `<html><body><ul class="teasers"><li>Niets meer in het oude formaat</li></ul></body></html>`)
	ok := htmlSource("coalitie", e.srv.URL+"/nieuws", cardsScrape)
	broken := htmlSource("alliantie", e.srv.URL+"/oud", cardsScrape)
	failing := htmlSource("nh", e.srv.URL+"/weg", cardsScrape)
	never := htmlSource("later", e.srv.URL+"/later", cardsScrape)
	s := e.service(t, ok, broken, failing, never)
	for _, src := range []struct{ id string }{{ok.ID}, {broken.ID}, {failing.ID}} {
		srcCfg, _ := s.cfg.Source(src.id)
		_ = s.Poll(context.Background(), srcCfg)
	}
	kv, err := e.js.KeyValue(context.Background(), bus.FetchBucket)
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	got, err := Statuses(context.Background(), kv, s.cfg.Sources, now)
	if err != nil {
		t.Fatal(err)
	}
	tick := now.Add(10 * time.Minute)
	want := []SourceStatus{
		{ID: "coalitie", Name: "coalitie", Kind: "html", URL: ok.URL, OK: true, LastAttempt: now, LastSuccess: now, ItemsFound: 3, NextAttempt: tick},
		{ID: "alliantie", Name: "alliantie", Kind: "html", URL: broken.URL, LastAttempt: now, LastSuccess: now, Broken: true,
			BrokenReason: `no items: item selector "article.news-card" matched nothing`, BrokenSince: now, NextAttempt: tick},
		{ID: "nh", Name: "nh", Kind: "html", URL: failing.URL, LastAttempt: now, LastError: "page 1: http status 404 Not Found", Failures: 1, NextAttempt: tick},
		{ID: "later", Name: "later", Kind: "html", URL: never.URL, NextAttempt: tick},
	}
	if g, w := jsonOf(t, got), jsonOf(t, want); g != w {
		t.Errorf("Statuses\n got %s\nwant %s", g, w)
	}

	recent := func(_ context.Context, source string, n int) []Recent {
		return []Recent{{ID: "abc123", Title: "Bericht van " + source, Published: time.Date(2026, 12, 2, 8, 15, 0, 0, time.UTC)}}
	}
	srv := httptest.NewServer(StatusHandler(kv, s.cfg.Sources, LimitsOf(s.cfg.Ingest, e.js.Conn().MaxPayload()), e.js.Conn(), WithRecent(recent)))
	defer srv.Close()
	get := func(path string, want int) (string, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		return resp.Header.Get("Content-Type"), string(body)
	}
	ct, body := get("/api/sources", 200)
	var rep StatusReport
	if err := json.Unmarshal([]byte(body), &rep); err != nil || ct != "application/json" || len(rep.Sources) != 4 || !rep.Bus.Connected {
		t.Fatalf("/api/sources: %s, %v: %s", ct, err, body)
	}
	api := rep.Sources
	if api[1].ID != "alliantie" || !api[1].Broken || api[2].LastError == "" || !api[0].OK {
		t.Errorf("/api/sources = %+v", api)
	}
	ct, body = get("/sources", 200)
	if !strings.HasPrefix(ct, "text/html") {
		t.Errorf("/sources content type %q", ct)
	}
	for _, s := range []string{`<p id="bus">Bus: <span class="ok">verbonden</span>`, `<article class="card" id="coalitie">`, `class="ok"`, `class="warn">Scraper kapot`,
		"no items: item selector &#34;article.news-card&#34; matched nothing", `class="bad">Faalt`, "http status 404 Not Found", "Nog niet opgehaald",
		`href="/sources/coalitie"`, "Europe/Amsterdam", `<html lang="nl">`} {
		if !strings.Contains(body, s) {
			t.Errorf("/sources lacks %q", s)
		}
	}
	// Broken first, then failing, then not polled, then the healthy.
	var order []string
	for _, id := range []string{"alliantie", "nh", "later", "coalitie"} {
		order = append(order, id)
		if i := strings.Index(body, `id="`+id+`"`); i < 0 || (len(order) > 1 && i < strings.Index(body, `id="`+order[len(order)-2]+`"`)) {
			t.Errorf("/sources: %s is not after %v", id, order[:len(order)-1])
		}
	}
	_, body = get("/sources/nh", 200)
	for _, s := range []string{"<h1>nh</h1>", "http status 404 Not Found", "1 keer op rij", `href="/items/abc123"`, "Bericht van nh",
		"2 december 2026 09:15 CET", "Beleefdheid"} {
		if !strings.Contains(body, s) {
			t.Errorf("/sources/nh lacks %q", s)
		}
	}
	get("/sources/onbekend", 404)
}

func TestNextAttempt(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2024, 1, 6, h, m, 0, 0, time.UTC) }
	now := at(12, 0)
	tests := []struct {
		name, schedule string
		st             State
		want           time.Time
	}{
		{"never polled", "*/15 * * * *", State{}, at(12, 15)},
		{"every 10m after the last", "@every 10m", State{LastAttempt: at(11, 55)}, at(12, 5)},
		{"backing off", "@every 10m", State{LastAttempt: at(11, 55), NextAttempt: at(12, 31)}, at(12, 35)},
		{"adaptive interval", "*/15 * * * *", State{LastAttempt: at(11, 45), NextPoll: at(17, 45)}, at(17, 45)},
		{"stopped for a while", "@every 10m", State{LastAttempt: at(8, 0)}, at(12, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := htmlSource("x", "https://x.nl", cardsScrape)
			src.Schedule = tt.schedule
			if got := nextAttempt(src, tt.st, now); !got.Equal(tt.want) {
				t.Errorf("nextAttempt = %v, want %v", got, tt.want)
			}
		})
	}
}
