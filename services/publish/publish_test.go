package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
)

var update = flag.Bool("update", false, "rewrite golden files")

var testOptions = Options{
	Title:    "Baken",
	BaseURL:  "https://baken.example.nl/",
	FeedSize: 2,
	Themes: []Label{
		{ID: "ondermijning", Name: "Ondermijning"},
		{ID: "terrorisme", Name: "Terrorisme"},
		{ID: "openbare-orde", Name: "Openbare orde"},
	},
	Districts: []Label{{ID: "utrecht-stad", Name: "Utrecht-Stad"}, {ID: "midden-nederland", Name: "Midden-Nederland"}},
	APIToken:  testToken,
}

const testToken = "geheim-token-voor-tests"

func testItems() []item.Item {
	day := func(d int) time.Time { return time.Date(2023, 12, d, 9, 0, 0, 0, time.UTC) }
	return []item.Item{
		{
			ID: "171eef5fc5be1c1a8a6b2d3e4f5a6b7c", Source: "rijksoverheid-jenv", Title: "Factsheet stand van zaken Ondermijningswetgeving",
			URL:     "https://www.rijksoverheid.nl/actueel/nieuws/2019/07/11/factsheet-stand-van-zaken-ondermijningswetgeving",
			Summary: "Het ministerie heeft een factsheet opgesteld over de Ondermijningswetgeving & de stand van zaken.", Content: "<p>Het ministerie heeft een <b>factsheet</b> opgesteld.</p>",
			Published: day(11), Themes: []item.Theme{{ID: "ondermijning", Score: 6, Matched: []string{"ondermijning*"}}}, Districts: []string{"midden-nederland"},
			AlsoAt: []item.Location{{Source: "veiligheidscoalitie", URL: "https://www.veiligheidscoalitie.nl/nieuws/factsheet"}},
		},
		{
			ID: "83b6bb201e38be0884bf5378005bfc1b", Source: "nctv", Title: "Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen",
			URL: "https://www.nctv.nl/actueel/nieuws/2023/12/12/dtn", Summary: "Het dreigingsniveau gaat van 3 naar 4.",
			Published: day(12), Themes: []item.Theme{{ID: "terrorisme", Score: 9, Matched: []string{"dreigingsniveau", "dtn"}}},
		},
		{
			ID: "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e", Source: "politie-midden-nederland", Title: "Werf jij al Burgernetdeelnemers?",
			URL: "https://www.politie.nl/nieuws/2023/december/18/03-burgernet.html", Summary: "Utrecht werft Burgernetdeelnemers.",
			Published: day(18), Places: []string{"Utrecht"}, Districts: []string{"utrecht-stad"},
		},
	}
}

// TestRenderGolden renders one feed in every format and compares it with
// testdata/*.golden; run with -update after an intended change.
func TestRenderGolden(t *testing.T) {
	items := testItems()
	info := feedInfo{Title: "Baken: alle berichten", SelfURL: "https://baken.example.nl/feeds/all.atom", HomeURL: "https://baken.example.nl/", Updated: items[2].Published,
		PageBase: "https://baken.example.nl/items/"}
	names := namer{
		theme:  func(id string) string { return strings.ToUpper(id[:1]) + id[1:] },
		source: func(id string) string { return "Bron " + id },
	}
	renders := map[string]func() ([]byte, error){
		"all.rss": func() ([]byte, error) { return renderRSS(info, items, names) },
		"all.atom": func() ([]byte, error) {
			return renderAtom(info, items, names, "https://baken.example.nl/feeds/themes/")
		},
		"all.json": func() ([]byte, error) { return renderJSON(info, items, names) },
	}
	for name, render := range renders {
		t.Run(name, func(t *testing.T) {
			got, err := render()
			if err != nil {
				t.Fatal(err)
			}
			golden := "testdata/" + name + ".golden"
			if *update {
				os.WriteFile(golden, got, 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s", name, golden, got)
			}
			f, err := gofeed.NewParser().Parse(bytes.NewReader(got))
			if err != nil || len(f.Items) != 3 {
				t.Fatalf("gofeed reads %s: %v, %d items", name, err, len(f.Items))
			}
		})
	}
}

// publisherUnderTest runs a publisher on a real JetStream server, fed
// through the curated stream, behind an HTTP server.
func publisherUnderTest(t *testing.T) (*Publisher, jetstream.JetStream, *httptest.Server) {
	t.Helper()
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	p, srv := runPublisher(t, js, testOptions)
	return p, js, srv
}

// runPublisher runs a publisher with o on js until the test ends, behind
// an HTTP server on loopback.
func runPublisher(t *testing.T, js jetstream.JetStream, o Options) (*Publisher, *httptest.Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p, err := New(ctx, js, o, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(srv.Close)
	return p, srv
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func get(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func feedTitles(t *testing.T, body []byte) []string {
	t.Helper()
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, it := range f.Items {
		titles = append(titles, it.Title)
	}
	return titles
}

func TestServe(t *testing.T) {
	p, js, srv := publisherUnderTest(t)
	for _, it := range testItems() {
		if err := stage.Publish(context.Background(), js, bus.CuratedItemSubject(it.ID), it); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "three items", func() bool { return p.View().Held() == 3 })

	tests := []struct {
		path   string
		status int
		titles []string
	}{
		{"/feeds/all.atom", 200, []string{"Werf jij al Burgernetdeelnemers?", "Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen"}}, // feed_size 2, newest first
		{"/feeds/themes/terrorisme.rss", 200, []string{"Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen"}},
		{"/feeds/themes/openbare-orde.json", 200, nil}, // a theme without items is an empty, valid feed
		{"/feeds/districts/utrecht-stad.atom", 200, []string{"Werf jij al Burgernetdeelnemers?"}},
		{"/feeds/themes/ondermijning/districts/midden-nederland.rss", 200, []string{"Factsheet stand van zaken Ondermijningswetgeving"}},
		{"/feeds/themes/ufo.rss", 404, nil},
		{"/feeds/districts/atlantis.rss", 404, nil},
		{"/feeds/all.pdf", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, srv.URL+tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status != 200 {
				return
			}
			got := feedTitles(t, body)
			if strings.Join(got, "|") != strings.Join(tt.titles, "|") {
				t.Errorf("titles %q, want %q", got, tt.titles)
			}
			// Conditional GET.
			again, _ := get(t, srv.URL+tt.path, "If-None-Match", resp.Header.Get("ETag"))
			if again.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match: status %d, want 304", again.StatusCode)
			}
			since, _ := get(t, srv.URL+tt.path, "If-Modified-Since", resp.Header.Get("Last-Modified"))
			if since.StatusCode != http.StatusNotModified {
				t.Errorf("If-Modified-Since: status %d, want 304", since.StatusCode)
			}
		})
	}

	// An update replaces the item in place: once, with the new title.
	upd := testItems()[1]
	upd.Title = "Dreigingsniveau verhoogd naar 4"
	upd.Updated = upd.Published.Add(time.Hour)
	if err := stage.Publish(context.Background(), js, bus.CuratedItemSubject(upd.ID), upd); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the update", func() bool {
		_, body := get(t, srv.URL+"/feeds/themes/terrorisme.atom")
		return strings.Join(feedTitles(t, body), "|") == "Dreigingsniveau verhoogd naar 4"
	})

	resp, body := get(t, srv.URL+"/feeds.opml")
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`xmlUrl="https://baken.example.nl/feeds/themes/openbare-orde.atom"`)) {
		t.Errorf("OPML: %d, lacks the openbare-orde feed:\n%s", resp.StatusCode, body)
	}
	resp, body = get(t, srv.URL+"/")
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("Werf jij al Burgernetdeelnemers?")) {
		t.Errorf("index: %d, lacks the latest item", resp.StatusCode)
	}
	if !p.Ready() || p.ItemCount() != 3 {
		t.Errorf("ready %v with %d items, want ready with 3", p.Ready(), p.ItemCount())
	}
}

func postOverride(t *testing.T, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/api/overrides", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestOverrides(t *testing.T) {
	p, js, srv := publisherUnderTest(t)
	items := testItems()
	for _, it := range items {
		if err := stage.Publish(context.Background(), js, bus.CuratedItemSubject(it.ID), it); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "three items", func() bool { return p.View().Held() == 3 })
	burgernet := items[2]

	// Pin Burgernet to openbare-orde: it appears there at once.
	code, body := postOverride(t, srv.URL, `{"item_id":"`+burgernet.ID+`","action":"pin","theme":"openbare-orde","who":"redactie@rvs","why":"Burgernet is openbare orde"}`)
	if code != 200 {
		t.Fatalf("pin: %d %s", code, body)
	}
	waitFor(t, "the pin", func() bool {
		_, b := get(t, srv.URL+"/feeds/themes/openbare-orde.rss")
		return strings.Join(feedTitles(t, b), "|") == burgernet.Title
	})
	// Hide the DTN item: gone from every feed.
	if code, body := postOverride(t, srv.URL, `{"item_id":"`+items[1].ID+`","action":"hide","who":"redactie@rvs","why":"dubbel"}`); code != 200 {
		t.Fatalf("hide: %d %s", code, body)
	}
	waitFor(t, "the hide", func() bool {
		_, b := get(t, srv.URL+"/feeds/all.json")
		return !strings.Contains(strings.Join(feedTitles(t, b), "|"), "Dreigingsbeeld")
	})
	_, b := get(t, srv.URL+"/feeds/themes/terrorisme.atom")
	if len(feedTitles(t, b)) != 0 {
		t.Error("hidden item still in the terrorism feed")
	}
	// Why: the item API shows the overrides; the audit lists both, in order.
	_, b = get(t, srv.URL+"/api/items/"+burgernet.ID)
	var ir itemResponse
	if err := json.Unmarshal(b, &ir); err != nil || !ir.Shown || len(ir.Overrides.Pinned) != 1 || ir.Overrides.Pinned[0].Who != "redactie@rvs" {
		t.Errorf("item API: %v %s", err, b)
	}
	b = authGet(t, srv.URL+"/api/overrides/audit")
	var audit []struct{ ItemID, Action, Who string }
	if err := json.Unmarshal(b, &audit); err != nil || len(audit) != 2 || audit[0].Action != "pin" || audit[1].Action != "hide" {
		t.Errorf("audit: %v %s", err, b)
	}
	// Bad requests say what is wrong.
	bad := map[string]string{
		`{"item_id":"` + burgernet.ID + `","action":"pin","theme":"ufo","who":"x","why":"y"}`: `theme \"ufo\"`,
		`{"item_id":"` + burgernet.ID + `","action":"hide","why":"y"}`:                        "who: required",
		`{"item_id":"nope","action":"hide","who":"x","why":"y"}`:                              "no item nope",
		`{"item":"x"}`: "unknown field",
		`{"item_id":"` + burgernet.ID + `","action":"hide","who":"x","why":"y"}{"more":1}`: "nothing after it",
	}
	for req, want := range bad {
		if code, body := postOverride(t, srv.URL, req); code < 400 || !strings.Contains(body, want) {
			t.Errorf("%s: %d %s, want an error mentioning %s", req, code, body, want)
		}
	}
}

// authGet GETs url with the test token.
func authGet(t *testing.T, url string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return b
}
