package hub

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/services/publish/websub"
)

// TestWebSubEndToEnd: a subscriber on loopback subscribes to a feed at the
// hub's /websub, answers the challenge, and gets the feed pushed, signed,
// each time a new item reaches it; the feed advertises the hub. A custom
// feed, under its normalised URL, is pushed too.
func TestWebSubEndToEnd(t *testing.T) {
	feed := &growingFeed{name: "Politie Utrecht", step: 400 * time.Millisecond, max: 12}
	src := httptest.NewServer(feed)
	defer src.Close()
	cfg := config.Default()
	cfg.Ingest.HostDelay = 0
	cfg.Publish.BaseURL = "http://baken.test"
	cfg.Publish.WebSub = config.Network{AllowPrivate: true} // the subscriber is on loopback
	cfg.Sources = []config.Source{{ID: "politie", Name: feed.name, Kind: "feed", URL: src.URL + "/rss", Schedule: "@every 1s",
		Home: "midden-nederland", Network: config.Network{AllowPrivate: true}}}
	feed.start = time.Now()
	h := startHubWith(t, Options{Config: cfg, DataDir: t.TempDir()})
	defer h.shutdown(t)

	var mu sync.Mutex
	var pushes []*http.Request
	var bodies []string
	var custom []string // pushes of the custom feed
	var challenged url.Values
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Method == http.MethodGet {
			if r.URL.Path == "/baken" {
				challenged = r.URL.Query()
			}
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		b, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/custom" {
			custom = append(custom, string(b))
			return
		}
		pushes, bodies = append(pushes, r), append(bodies, string(b))
	}))
	defer sub.Close()

	const topic = "http://baken.test/feeds/all.atom"
	resp, err := http.Get(h.base + "/feeds/all.atom")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if link := resp.Header.Get("Link"); !strings.Contains(link, `<http://baken.test/websub>; rel="hub"`) || !strings.Contains(link, `<`+topic+`>; rel="self"`) {
		t.Errorf("feed Link header %q", link)
	}
	resp, err = http.PostForm(h.base+"/websub", url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic},
		"hub.callback": {sub.URL + "/baken"}, "hub.secret": {"nieuwsbrief-geheim"}, "hub.lease_seconds": {"600"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("subscribe: %d, want 202", resp.StatusCode)
	}
	const customTopic = "http://baken.test/feeds/custom.atom?source=politie"
	resp, err = http.PostForm(h.base+"/websub", url.Values{"hub.mode": {"subscribe"}, "hub.topic": {customTopic}, "hub.callback": {sub.URL + "/custom"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("subscribe to the custom feed: %d, want 202", resp.StatusCode)
	}
	// Every item of the source ends up pushed: the last push holds the last.
	last := feed.name + " 11:"
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		done := len(bodies) > 0 && strings.Contains(bodies[len(bodies)-1], last) &&
			len(custom) > 0 && strings.Contains(custom[len(custom)-1], last)
		mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the last item was not pushed within 30s (%d pushes, %d of the custom feed)", len(bodies), len(custom))
		}
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if challenged.Get("hub.topic") != topic || challenged.Get("hub.lease_seconds") != "600" {
		t.Errorf("challenge %v", challenged)
	}
	if len(pushes) < 2 {
		t.Errorf("%d pushes, want one per change of the feed", len(pushes))
	}
	for i, r := range pushes {
		if got, want := r.Header.Get("X-Hub-Signature"), "sha256="+websub.Sign("nieuwsbrief-geheim", []byte(bodies[i])); got != want {
			t.Errorf("push %d: signature %q, want %q", i, got, want)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
			t.Errorf("push %d: content type %q", i, ct)
		}
	}
	if !strings.Contains(custom[0], `<link href="`+customTopic+`" rel="self"`) {
		t.Errorf("the custom feed's self link is not its topic:\n%s", custom[0])
	}
	if !strings.Contains(bodies[0], `rel="hub"`) {
		t.Error("the pushed feed does not name its hub")
	}
	t.Logf("%d pushes while the source added %d items", len(pushes), feed.max)
}
