package hub

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/bakenhub/baken/cmd/baken/internal/demo"
)

// uniqueStories is the number of distinct stories in the demo fixtures: 45
// entries (8 in feeds, 37 scraped from partner-site pages), eight of them
// reposts (see demo/fixtures/MANIFEST.md).
const uniqueStories = 37

// hubUnderTest runs the whole hub in process on an embedded JetStream server
// in dir, reading the fixture sources at sourcesURL.
type hubUnderTest struct {
	base string
	stop func()
	done chan error
}

func startHub(t *testing.T, dir, sourcesURL string) *hubUnderTest {
	t.Helper()
	cfg, err := demo.Config(sourcesURL, "http://baken.test")
	if err != nil {
		t.Fatal(err)
	}
	return startHubWith(t, Options{Config: cfg, DataDir: dir})
}

// startHubWith runs the hub with o, on a free loopback HTTP port.
func startHubWith(t *testing.T, o Options) *hubUnderTest {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	h := &hubUnderTest{stop: cancel, done: make(chan error, 1)}
	if o.HTTPAddr == "" {
		o.HTTPAddr = "127.0.0.1:0"
	}
	o.Log = slog.New(slog.DiscardHandler)
	o.Listening = func(a string) { addr <- a }
	go func() { h.done <- Run(ctx, o) }()
	select {
	case a := <-addr:
		h.base = "http://" + a
	case err := <-h.done:
		t.Fatalf("hub did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("hub did not start within 30s")
	}
	return h
}

// shutdown stops the hub as SIGINT would and waits for a clean exit.
func (h *hubUnderTest) shutdown(t *testing.T) {
	t.Helper()
	h.stop()
	select {
	case err := <-h.done:
		if err != nil {
			t.Fatalf("hub shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("hub did not shut down within 30s")
	}
}

func (h *hubUnderTest) get(t *testing.T, path string) []byte {
	t.Helper()
	resp, err := http.Get(h.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, body)
	}
	return body
}

func (h *hubUnderTest) feed(t *testing.T, path string) *gofeed.Feed {
	t.Helper()
	f, err := gofeed.NewParser().ParseString(string(h.get(t, path)))
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return f
}

// waitForItems polls all.json until it holds want items.
func (h *hubUnderTest) waitForItems(t *testing.T, want int) *gofeed.Feed {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		f := h.feed(t, "/feeds/all.json")
		if len(f.Items) >= want || time.Now().After(deadline) {
			if len(f.Items) != want {
				t.Fatalf("all.json has %d items, want %d", len(f.Items), want)
			}
			return f
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// titles counts the items of a feed by title.
func titles(f *gofeed.Feed) map[string]int {
	m := map[string]int{}
	for _, it := range f.Items {
		m[it.Title]++
	}
	return m
}

func assertOnce(t *testing.T, f *gofeed.Feed, path string, want ...string) {
	t.Helper()
	got := titles(f)
	for _, title := range want {
		if got[title] != 1 {
			t.Errorf("%s: %q appears %d times, want once", path, title, got[title])
		}
	}
}

func TestHubEndToEnd(t *testing.T) {
	sources := httptest.NewServer(demo.Handler())
	defer sources.Close()
	h := startHub(t, t.TempDir(), sources.URL)
	defer h.shutdown(t)

	all := h.waitForItems(t, uniqueStories)
	for title, n := range titles(all) {
		if n != 1 {
			t.Errorf("all: %q appears %d times", title, n)
		}
	}
	// The four reposts are one item each.
	assertOnce(t, all, "all",
		"Campagnematerialen ‘Laat je niet interneppen’ beschikbaar",
		"Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen",
		"E-learning BUIT voor professionals: bewustwording en signalering mensenhandel",
		"Factsheet stand van zaken Ondermijningswetgeving")

	tests := []struct {
		path string
		want []string
	}{
		{"/feeds/themes/terrorisme.atom", []string{"Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen", "Terrorist threat level raised to 4 (substantial)"}},
		{"/feeds/themes/ondermijning.rss", []string{"Factsheet stand van zaken Ondermijningswetgeving", "Strategisch beeld ondermijning in vastgoedketen opgeleverd"}},
		{"/feeds/themes/mensenhandel.json", []string{"E-learning BUIT voor professionals: bewustwording en signalering mensenhandel"}},
		{"/feeds/districts/rotterdam.atom", []string{"Netwerkbijeenkomst Maatschappelijk ongenoegen (polarisatie, radicalisering en extremisme)"}},
		{"/feeds/districts/gooi-en-vechtstreek.rss", []string{"Hulp gemeentesecretarissen broodnodig in versterken weerbare overheid"}},
		{"/feeds/themes/maatschappelijke-onrust/districts/midden-nederland.atom", []string{"Themabijeenkomst maatschappelijke onrust n.a.v. conflict Israël en Palestijnse gebieden"}},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.path, "/feeds/"), func(t *testing.T) {
			assertOnce(t, h.feed(t, tt.path), tt.path, tt.want...)
		})
	}

	// An item in a theme feed is classified under that theme and no item
	// of the vuurwerk toolkit leaks into terrorism.
	if got := titles(h.feed(t, "/feeds/themes/terrorisme.rss"))["Maak kennis met de toolkit Aanpak illegaal vuurwerk"]; got != 0 {
		t.Error("the fireworks toolkit is in the terrorism feed")
	}

	// Every theme feed parses in all three formats.
	var opml struct {
		Groups []struct {
			Text     string `xml:"text,attr"`
			Outlines []struct {
				XMLURL string `xml:"xmlUrl,attr"`
			} `xml:"outline"`
		} `xml:"body>outline"`
	}
	if err := xml.Unmarshal(h.get(t, "/feeds.opml"), &opml); err != nil {
		t.Fatalf("feeds.opml: %v", err)
	}
	var themeFeeds int
	for _, g := range opml.Groups {
		for _, o := range g.Outlines {
			path := strings.TrimPrefix(o.XMLURL, "http://baken.test")
			if !strings.HasPrefix(path, "/feeds/themes/") || strings.Contains(path, "/districts/") {
				continue
			}
			themeFeeds++
			for _, ext := range []string{".rss", ".atom", ".json"} {
				h.feed(t, strings.TrimSuffix(path, ".atom")+ext)
			}
		}
	}
	if themeFeeds != 10 {
		t.Errorf("OPML lists %d theme feeds, want 10", themeFeeds)
	}

	// The merged copy lists where else the story appeared.
	var jf struct {
		Items []struct {
			Title string `json:"title"`
			Baken struct {
				Source string                         `json:"source"`
				AlsoAt []struct{ Source, URL string } `json:"also_at"`
			} `json:"_baken"`
		} `json:"items"`
	}
	if err := json.Unmarshal(h.get(t, "/feeds/all.json"), &jf); err != nil {
		t.Fatal(err)
	}
	for _, it := range jf.Items {
		if it.Title == "E-learning BUIT voor professionals: bewustwording en signalering mensenhandel" {
			// Whichever source was read first is canonical; the other
			// is listed.
			if len(it.Baken.AlsoAt) != 1 || it.Baken.Source == it.Baken.AlsoAt[0].Source {
				t.Errorf("BUIT from %s, also_at = %+v; want the other copy listed", it.Baken.Source, it.Baken.AlsoAt)
			}
		}
	}

	// Every source was read, and no scraper looks broken.
	var report struct {
		Bus     struct{ Connected bool }
		Sources []struct {
			ID         string `json:"id"`
			Kind       string `json:"kind"`
			OK         bool   `json:"ok"`
			LastError  string `json:"last_error"`
			ItemsFound int    `json:"items_found"`
			Broken     bool   `json:"broken"`
		}
	}
	if err := json.Unmarshal(h.get(t, "/api/sources"), &report); err != nil {
		t.Fatal(err)
	}
	if !report.Bus.Connected {
		t.Errorf("/api/sources: bus not connected")
	}
	status := report.Sources
	found := map[string]int{
		"rijksoverheid-jenv": 2, "rijksoverheid-bzk": 1, "politie-midden-nederland": 4, "nh-samenveilig": 1,
		"nctv": 2, "nctv-en": 2, "veiligheidscoalitie": 20, "veiligheidscoalitie-nieuwsbrief": 10,
		"veiligheidsalliantie": 1, "veiligheidsnetwerk-oost": 1, "nh-jaarverslag": 1,
	}
	if len(status) != len(found) {
		t.Errorf("/api/sources lists %d sources, want %d", len(status), len(found))
	}
	for _, s := range status {
		if !s.OK || s.Broken || s.LastError != "" || s.ItemsFound != found[s.ID] {
			t.Errorf("/api/sources: %+v, want ok with %d items found", s, found[s.ID])
		}
	}
	metrics := string(h.get(t, "/metrics"))
	for _, m := range []string{`baken_stage_messages_total{result="ok",stage="classify"}`, `baken_stage_messages_total{result="ok",stage="dedup"}`,
		`baken_stage_handler_seconds_bucket{stage="dedup"`, "go_build_info", "baken_ingest_fetches_total",
		`baken_http_requests_total{route="GET /api/sources",status="200"}`} {
		if !strings.Contains(metrics, m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
	if page := string(h.get(t, "/sources")); !strings.Contains(page, `<article class="card" id="veiligheidsalliantie">`) {
		t.Errorf("/sources does not list the sources:\n%s", page)
	}

	// Conditional GET: the same feed again with its ETag is 304.
	resp, err := http.Get(h.base + "/feeds/all.atom")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, h.base+"/feeds/all.atom", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	resp2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp.Header.Get("ETag") == "" || resp2.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: ETag %q, second status %d; want an ETag and 304", resp.Header.Get("ETag"), resp2.StatusCode)
	}
}

// TestHubRestart stops the hub while sources are still being read and starts
// it again on the same data folder: every story ends up exactly once.
func TestHubRestart(t *testing.T) {
	// The coalition's site (30 entries on three pages) answers slowly, so
	// the first run stops before it has been read.
	var slow atomic.Bool
	slow.Store(true)
	fixtures := demo.Handler()
	sources := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slow.Load() && r.URL.Hostname() == "www.veiligheidscoalitie.nl" {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(time.Minute):
			}
		}
		fixtures.ServeHTTP(w, r)
	}))
	defer sources.Close()
	dir := t.TempDir()

	h := startHub(t, dir, sources.URL)
	deadline := time.Now().Add(30 * time.Second)
	for {
		n := len(h.feed(t, "/feeds/all.json").Items)
		if n > 0 && n < uniqueStories {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("first run: %d items; want some but not all", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	h.shutdown(t)

	slow.Store(false)
	cfg, err := demo.Config(sources.URL, "http://baken.test")
	if err != nil {
		t.Fatal(err)
	}
	var rebuilt atomic.Int32
	h = startHubWith(t, Options{Config: cfg, DataDir: dir, Rebuilt: func() { rebuilt.Add(1) }})
	defer h.shutdown(t)
	all := h.waitForItems(t, uniqueStories)
	for title, n := range titles(all) {
		if n != 1 {
			t.Errorf("after restart %q appears %d times", title, n)
		}
	}
	if n := rebuilt.Load(); n != 1 {
		t.Errorf("told of the view's rebuild %d times, want once", n)
	}
}
