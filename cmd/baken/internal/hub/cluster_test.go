package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/config"
)

// growingFeed is a police feed that publishes one new, distinct item every
// step, up to max, and records when it was polled.
type growingFeed struct {
	name  string
	start time.Time
	step  time.Duration
	max   int
	mu    sync.Mutex
	polls []time.Time
}

var plaatsen = []string{"Utrecht", "Amersfoort", "Zeist", "Nieuwegein", "Houten", "Veenendaal", "Woerden", "Soest", "Hilversum", "Almere"}
var feiten = []string{"een woninginbraak", "een drugslab", "een overval op een supermarkt", "vernielingen bij een school", "een steekpartij", "phishing via WhatsApp", "een explosie bij een woning", "illegaal vuurwerk"}

func (g *growingFeed) published() int { return min(g.max, 1+int(time.Since(g.start)/g.step)) }

func (g *growingFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.polls = append(g.polls, time.Now())
	g.mu.Unlock()
	n := g.published()
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>https://www.politie.nl/</link><description>nieuws</description>`, g.name)
	for i := n - 1; i >= 0; i-- {
		plaats, feit := plaatsen[(i*7)%len(plaatsen)], feiten[(i*3)%len(feiten)]
		fmt.Fprintf(w, `<item><title>%s %d: politie onderzoekt %s in %s</title><link>https://www.politie.nl/nieuws/%s/%d-bericht.html</link>
<description>De politie in %s onderzoekt %s. Het gaat om melding %d van %s; %d getuigen hebben zich gemeld en er zijn %d aanhoudingen verricht.</description>
<pubDate>%s</pubDate></item>`, g.name, i, feit, plaats, strings.ToLower(g.name), i, plaats, feit, 1000+i, g.name, 2+i%5, i%4, time.Date(2023, 12, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z))
	}
	fmt.Fprint(w, `</channel></rss>`)
}

// closestPolls is the shortest gap between two polls.
func (g *growingFeed) closestPolls() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	gap := time.Hour
	for i := 1; i < len(g.polls); i++ {
		gap = min(gap, g.polls[i].Sub(g.polls[i-1]))
	}
	return gap
}

// process is one `baken run` against the cluster.
type process struct {
	name     string
	services []string
	base     string
	stop     context.CancelFunc
	done     chan error
}

// TestClusterFaults runs Baken as separate processes would (two ingest,
// two classify, two dedup replicas and a publisher, each its own hub with
// its own connection) on a real three-node JetStream cluster, all started
// at once on the fresh cluster, while two sources add distinct items; it
// kills and restarts a node, stops a classify and a dedup replica
// mid-stream and stops an ingest replica. Every item must be in the feed
// exactly once, no source polled twice in a cycle, none marked failed.
func TestClusterFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("cluster fault test")
	}
	cluster := natstest.RunCluster(t, 3)
	feeds := []*growingFeed{
		{name: "Politie Utrecht", step: 250 * time.Millisecond, max: 100},
		{name: "Politie Gooi", step: 350 * time.Millisecond, max: 70},
	}
	cfg := config.Default()
	cfg.Ingest.HostDelay, cfg.Ingest.Timeout = 0, 5*time.Second
	cfg.Publish.FeedSize = 500
	for i, f := range feeds {
		srv := httptest.NewServer(f)
		defer srv.Close()
		cfg.Sources = append(cfg.Sources, config.Source{ID: fmt.Sprintf("politie-%d", i), Name: f.name, Kind: "feed",
			URL: srv.URL + "/rss", Schedule: "@every 1s", Home: "midden-nederland", Network: config.Network{AllowPrivate: true}})
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}

	procs := []*process{
		{name: "ingest-a", services: []string{"ingest"}},
		{name: "ingest-b", services: []string{"ingest"}},
		{name: "classify-a", services: []string{"classify"}},
		{name: "classify-b", services: []string{"classify"}},
		{name: "dedup-a", services: []string{"dedup"}},
		{name: "dedup-b", services: []string{"dedup"}},
		{name: "publish", services: []string{"publish"}},
	}
	// Cold start: every process at once, before any stream exists.
	coldStart := time.Now()
	var up sync.WaitGroup
	for _, p := range procs {
		ctx, cancel := context.WithCancel(context.Background())
		p.stop, p.done = cancel, make(chan error, 1)
		addr := make(chan string, 1)
		up.Add(1)
		go func() {
			p.done <- Run(ctx, Options{Config: cfg, Services: p.services, NATSURL: cluster.URL(), Replicas: 3,
				HTTPAddr: "127.0.0.1:0", Log: slog.New(slog.DiscardHandler), Listening: func(a string) { addr <- a }})
		}()
		go func() {
			defer up.Done()
			select {
			case a := <-addr:
				p.base = "http://" + a
			case err := <-p.done:
				t.Errorf("%s exited at start: %v", p.name, err)
			case <-time.After(90 * time.Second):
				t.Errorf("%s did not start", p.name)
			}
		}()
	}
	up.Wait()
	if t.Failed() {
		t.FailNow()
	}
	coldStartTook := time.Since(coldStart)
	for _, f := range feeds {
		f.start = time.Now()
	}
	pub := procs[6]
	stopped := map[string]bool{}
	stop := func(name string) {
		for _, p := range procs {
			if p.name == name {
				p.stop()
				if err := <-p.done; err != nil {
					t.Errorf("%s: %v", name, err)
				}
				stopped[name] = true
			}
		}
	}
	defer func() {
		for _, p := range procs {
			if !stopped[p.name] {
				p.stop()
				<-p.done
			}
		}
	}()
	published := func() map[string]int {
		seen := map[string]int{}
		resp, err := http.Get(pub.base + "/feeds/all.json")
		if err != nil {
			return seen
		}
		defer resp.Body.Close()
		var f struct{ Items []struct{ Title string } }
		_ = json.NewDecoder(resp.Body).Decode(&f)
		for _, it := range f.Items {
			seen[it.Title]++
		}
		return seen
	}
	// waitGrowth returns how long until the feed holds more items than n.
	want := 0
	for _, f := range feeds {
		want += f.max
	}
	waitGrowth := func(what string, n int) time.Duration {
		begin := time.Now()
		for len(published()) <= n && n < want {
			// A bound on liveness, not a speed target: generous, as a
			// node's restart and the catch-up after it share two cores
			// with the rest of the package's tests.
			if time.Since(begin) > 90*time.Second {
				t.Fatalf("%s: the feed did not grow past %d in 90s", what, n)
			}
			time.Sleep(100 * time.Millisecond)
		}
		return time.Since(begin)
	}
	type row struct {
		scenario string
		recovery time.Duration
	}
	rows := []row{{"all services start at once on a fresh cluster", coldStartTook}}

	waitGrowth("first items", 0)
	// A node dies and comes back.
	cluster.Kill(1)
	rows = append(rows, row{"node n2 killed", waitGrowth("with n2 down", len(published()))})
	time.Sleep(time.Second)
	cluster.Start(1)
	rows = append(rows, row{"node n2 restarted", waitGrowth("after n2 restarted", len(published()))})
	// A classify and a dedup replica stop mid-stream.
	stop("classify-a")
	stop("dedup-a")
	rows = append(rows, row{"classify-a and dedup-a stopped", waitGrowth("with one classify and one dedup", len(published()))})
	// An ingest replica stops: the other takes its sources over.
	stop("ingest-a")
	rows = append(rows, row{"ingest-a stopped", waitGrowth("with one ingest", len(published()))})

	// Every item of both sources, exactly once.
	deadline := time.Now().Add(60 * time.Second)
	var seen map[string]int
	for {
		seen = published()
		if len(seen) >= want || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	dups := 0
	for title, n := range seen {
		if n > 1 {
			dups += n - 1
			t.Errorf("%q %d times in the feed", title, n)
		}
	}
	if len(seen) != want {
		t.Errorf("%d distinct items in the feed, want %d", len(seen), want)
	}
	for _, f := range feeds {
		if gap := f.closestPolls(); gap < 700*time.Millisecond {
			t.Errorf("%s polled twice within %v", f.name, gap)
		}
	}
	// No source was blamed for the outage.
	resp, err := http.Get(procs[1].base + "/api/sources")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Sources []struct {
			ID        string `json:"id"`
			Failures  int    `json:"failures"`
			LastError string `json:"last_error"`
		}
	}
	_ = json.NewDecoder(resp.Body).Decode(&rep)
	resp.Body.Close()
	for _, s := range rep.Sources {
		if s.Failures != 0 || s.LastError != "" {
			t.Errorf("source %s marked failed: %d, %q", s.ID, s.Failures, s.LastError)
		}
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-48s %s\n", "scenario", "until the feed grew again")
	for _, r := range rows {
		fmt.Fprintf(&table, "%-48s %v\n", r.scenario, r.recovery.Round(10*time.Millisecond))
	}
	fmt.Fprintf(&table, "items sent %d, published %d, duplicates %d, lost %d\n", want, len(seen), dups, max(want-len(seen), 0))
	t.Logf("cluster faults (3 nodes, 7 processes):\n%s", table.String())
}
