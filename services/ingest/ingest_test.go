package ingest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
)

// clock is a settable time source for Service.now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// site is one feed on the test HTTP server: it serves body with an ETag,
// answers 304 to a matching If-None-Match, and can be told to fail.
type site struct {
	mu          sync.Mutex
	body        []byte
	etag        string
	status      int    // when set, answer with this status and no feed
	retryAfter  string // Retry-After sent with status
	contentType string // default application/rss+xml; charset=utf-8
	hits        int
	notModified int
	lastINM     string // If-None-Match of the last request
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits++
	s.lastINM = r.Header.Get("If-None-Match")
	if s.status != 0 {
		if s.retryAfter != "" {
			w.Header().Set("Retry-After", s.retryAfter)
		}
		http.Error(w, http.StatusText(s.status), s.status)
		return
	}
	if s.etag != "" && s.lastINM == s.etag {
		s.notModified++
		w.WriteHeader(http.StatusNotModified) // no validators: the client keeps its own
		return
	}
	if s.etag != "" {
		w.Header().Set("ETag", s.etag)
	}
	w.Header().Set("Content-Type", cmp.Or(s.contentType, "application/rss+xml; charset=utf-8"))
	w.Write(s.body)
}

func (s *site) set(f func(s *site)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func (s *site) counts() (hits, notModified int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits, s.notModified
}

// env is a NATS server, an HTTP server with sites and an ingest service.
type env struct {
	js    jetstream.JetStream
	srv   *httptest.Server
	mux   *http.ServeMux
	clock *clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{js: js, srv: srv, mux: mux, clock: &clock{t: time.Date(2023, 12, 20, 10, 0, 0, 0, time.UTC)}}
}

// site serves a fixture (or nothing) at /<id>.xml and returns the source.
func (e *env) site(t *testing.T, id string, s *site) config.Source {
	t.Helper()
	e.mux.Handle("/"+id+".xml", s)
	return config.Source{ID: id, Name: id, Kind: "feed", URL: e.srv.URL + "/" + id + ".xml", Schedule: "@every 10m", Network: loopback}
}

func (e *env) service(t *testing.T, sources ...config.Source) *Service {
	t.Helper()
	return e.serviceWith(t, func(*config.Config) {}, sources...)
}

func (e *env) serviceWith(t *testing.T, edit func(*config.Config), sources ...config.Source) *Service {
	t.Helper()
	cfg := config.Default()
	cfg.Sources = sources
	cfg.Ingest.HostDelay = 0 // still one request at a time; politeness tests set a delay
	edit(&cfg)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), cfg, e.js, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	s.now = e.clock.Now
	return s
}

// raw returns the items on the raw stream under baken.raw.<source>.
func (e *env) raw(t *testing.T, source string) []item.Item {
	t.Helper()
	ctx := context.Background()
	st, err := e.js.Stream(ctx, bus.RawStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var items []item.Item
	if info.State.Msgs == 0 {
		return nil
	}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if m.Subject != bus.RawSubject+"."+source {
			continue
		}
		var it item.Item
		if err := json.Unmarshal(m.Data, &it); err != nil {
			t.Fatalf("raw message %d: %v", seq, err)
		}
		items = append(items, it)
	}
	return items
}

// seen is the seen set of source, read from its chunks.
func (e *env) seen(t *testing.T, s *Service, source string) seenSet {
	t.Helper()
	set, err := s.states.Seen(context.Background(), source, e.state(t, s, source))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func (e *env) state(t *testing.T, s *Service, source string) State {
	t.Helper()
	st, err := s.states.Get(context.Background(), source)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestPollPublishesAndHonoursNotModified(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	feed := fixture(t, "politie-midden-nederland.rss")
	politie := &site{body: feed, etag: `W/"pmn-20231220"`}
	src := e.site(t, "politie-midden-nederland", politie)
	src.Home = "midden-nederland"
	s := e.service(t, src)

	t.Run("first poll publishes every item", func(t *testing.T) {
		if err := s.Poll(ctx, src); err != nil {
			t.Fatal(err)
		}
		items := e.raw(t, src.ID)
		if len(items) != 4 {
			t.Fatalf("%d items on baken.raw.%s, want 4", len(items), src.ID)
		}
		for _, it := range items {
			if it.Source != src.ID || it.Home != "midden-nederland" || it.ID != item.NewID(it.URL, src.ID, it.GUID) {
				t.Errorf("item %q: source %q home %q id %s", it.Title, it.Source, it.Home, it.ID)
			}
		}
		st := e.state(t, s, src.ID)
		if st.ETag != politie.etag || st.ItemsFound != 4 || st.Failures != 0 || st.LastError != "" {
			t.Errorf("state = %+v, want etag %s, 4 items, no failures", st, politie.etag)
		}
		if !st.LastSuccess.Equal(e.clock.Now()) || !st.LastAttempt.Equal(e.clock.Now()) {
			t.Errorf("state times = %v, %v; want %v", st.LastAttempt, st.LastSuccess, e.clock.Now())
		}
	})

	t.Run("second poll gets 304 and publishes nothing", func(t *testing.T) {
		e.clock.Advance(10 * time.Minute)
		if err := s.Poll(ctx, src); err != nil {
			t.Fatal(err)
		}
		if _, nm := politie.counts(); nm != 1 {
			t.Errorf("%d 304 answers, want 1", nm)
		}
		politie.set(func(p *site) {
			if p.lastINM != p.etag {
				t.Errorf("sent If-None-Match %q, want %q", p.lastINM, p.etag)
			}
		})
		if n := len(e.raw(t, src.ID)); n != 4 {
			t.Errorf("%d items on the raw stream after a 304, want still 4", n)
		}
		st := e.state(t, s, src.ID)
		if st.ETag != politie.etag {
			t.Errorf("ETag after 304 = %q, want the stored %q", st.ETag, politie.etag)
		}
		if st.ItemsFound != 4 || !st.LastSuccess.Equal(e.clock.Now()) {
			t.Errorf("state after 304 = %+v, want 4 items found and success now", st)
		}
	})

	t.Run("a changed feed publishes only what changed", func(t *testing.T) {
		e.clock.Advance(10 * time.Minute)
		changed := strings.Replace(string(feed),
			"Deze maand startte een langdurige campagne",
			"Deze maand startte een langdurige, stadsbrede campagne", 1)
		politie.set(func(p *site) { p.body, p.etag = []byte(changed), `W/"pmn-20231221"` })
		if err := s.Poll(ctx, src); err != nil {
			t.Fatal(err)
		}
		items := e.raw(t, src.ID)
		if len(items) != 5 {
			t.Fatalf("%d items on the raw stream, want 5 (the edited one once more)", len(items))
		}
		if last := items[4]; !strings.Contains(last.Content, "stadsbrede") {
			t.Errorf("new message is %q, want the edited Burgernet item", last.Title)
		}
		if st := e.state(t, s, src.ID); st.ETag != `W/"pmn-20231221"` {
			t.Errorf("ETag = %q, want the new one", st.ETag)
		}
	})
}

func TestPollFailingSourceBacksOffWhileOthersSucceed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	broken := &site{status: http.StatusInternalServerError}
	nctv := &site{body: fixture(t, "nctv.atom"), etag: `"nctv-1"`}
	bad := e.site(t, "veiligheidsalliantie", broken)
	good := e.site(t, "nctv", nctv)
	s := e.service(t, bad, good)
	t0 := e.clock.Now()

	// First round: the broken source fails with a 500, the good one works.
	err := s.Poll(ctx, bad)
	if err == nil || !strings.Contains(err.Error(), "fetch veiligheidsalliantie") || !strings.Contains(err.Error(), "500") {
		t.Fatalf("Poll(bad) = %v, want an error naming the source and the status", err)
	}
	if err := s.Poll(ctx, good); err != nil {
		t.Fatalf("Poll(good) = %v", err)
	}
	st := e.state(t, s, bad.ID)
	if st.Failures != 1 || !strings.Contains(st.LastError, "http status 500") || !st.NextAttempt.Equal(t0.Add(time.Minute)) || !st.LastAttempt.Equal(t0) {
		t.Errorf("state after a 500 = %+v, want 1 failure, the status as error, next attempt in 1m", st)
	}
	if !st.LastSuccess.IsZero() {
		t.Errorf("LastSuccess = %v after only failures", st.LastSuccess)
	}
	if n := len(e.raw(t, good.ID)); n != 4 {
		t.Errorf("%d items from the good source, want 4", n)
	}

	// Within the backoff the broken source is not fetched at all.
	e.clock.Advance(30 * time.Second)
	if err := s.Poll(ctx, bad); err != nil {
		t.Errorf("Poll during backoff = %v, want nil (skipped)", err)
	}
	if hits, _ := broken.counts(); hits != 1 {
		t.Errorf("broken source fetched %d times, want 1 (skipped during backoff)", hits)
	}
	if got := e.state(t, s, bad.ID); got.Failures != 1 || !got.LastAttempt.Equal(t0) {
		t.Errorf("a skipped poll changed the state: %+v", got)
	}

	// After the backoff it is fetched again and now sends broken XML.
	e.clock.Advance(31 * time.Second)
	broken.set(func(b *site) {
		b.status = 0
		b.body = []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Veiligheidsalliantie</title><item><title>Netwerkbijeenkomst`)
	})
	err = s.Poll(ctx, bad)
	if err == nil || !strings.Contains(err.Error(), "parse feed") {
		t.Fatalf("Poll(broken xml) = %v, want a parse error", err)
	}
	t1 := e.clock.Now()
	st = e.state(t, s, bad.ID)
	if st.Failures != 2 || !strings.Contains(st.LastError, "parse feed") || !st.NextAttempt.Equal(t1.Add(2*time.Minute)) {
		t.Errorf("state after broken XML = %+v, want 2 failures, a parse error, next attempt in 2m", st)
	}
	if n := len(e.raw(t, bad.ID)); n != 0 {
		t.Errorf("%d items published from a broken source", n)
	}
	// The good source is unaffected.
	if err := s.Poll(ctx, good); err != nil {
		t.Errorf("Poll(good) after the other failed = %v", err)
	}
	if st := e.state(t, s, good.ID); st.Failures != 0 || st.LastError != "" || st.ETag != `"nctv-1"` {
		t.Errorf("good source state = %+v", st)
	}

	// Once repaired, the failures are forgotten.
	e.clock.Advance(2 * time.Minute)
	broken.set(func(b *site) { b.body = fixture(t, "rijksoverheid-jenv.rss") })
	if err := s.Poll(ctx, bad); err != nil {
		t.Fatalf("Poll(repaired) = %v", err)
	}
	st = e.state(t, s, bad.ID)
	if st.Failures != 0 || st.LastError != "" || !st.NextAttempt.IsZero() || !st.LastSuccess.Equal(e.clock.Now()) || st.ItemsFound != 2 {
		t.Errorf("state after repair = %+v, want clean with 2 items", st)
	}
	if n := len(e.raw(t, bad.ID)); n != 2 {
		t.Errorf("%d items from the repaired source, want 2", n)
	}
}

func TestPollRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter func(now time.Time) string
		want       time.Duration // NextAttempt - now, at least
		most       time.Duration // and at most
	}{
		{"429 with seconds", http.StatusTooManyRequests, func(time.Time) string { return "3600" }, time.Hour, time.Hour},
		{"503 with an http date", http.StatusServiceUnavailable,
			func(now time.Time) string { return now.Add(2 * time.Hour).UTC().Format(http.TimeFormat) },
			2*time.Hour - 2*time.Second, 2*time.Hour + 2*time.Second},
		{"503 asking less than the backoff", http.StatusServiceUnavailable, func(time.Time) string { return "5" }, time.Minute, time.Minute},
		// max_backoff (6h) caps what a server asks.
		{"429 asking more than max backoff", http.StatusTooManyRequests, func(time.Time) string { return "28800" }, 6 * time.Hour, 6 * time.Hour},
		{"503 asking a few thousand years in seconds", http.StatusServiceUnavailable, func(time.Time) string { return "99999999999999" }, 6 * time.Hour, 6 * time.Hour},
		{"503 asking for the year 2273", http.StatusServiceUnavailable, func(time.Time) string { return "Sat, 01 Jan 2273 00:00:00 GMT" }, 6 * time.Hour, 6 * time.Hour},
		{"503 without Retry-After", http.StatusServiceUnavailable, func(time.Time) string { return "" }, time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			// Retry-After dates are read against the wall clock.
			e.clock.t = time.Now().Truncate(time.Second)
			now := e.clock.Now()
			busy := &site{status: tt.status, retryAfter: tt.retryAfter(now)}
			src := e.site(t, "rijksoverheid-jenv", busy)
			s := e.service(t, src)
			if err := s.Poll(context.Background(), src); err == nil {
				t.Fatal("Poll = nil, want an error")
			}
			st := e.state(t, s, src.ID)
			if d := st.NextAttempt.Sub(now); d < tt.want || d > tt.most {
				t.Errorf("NextAttempt is %v after now, want between %v and %v", d, tt.want, tt.most)
			}
			// Polls before NextAttempt do not reach the server.
			e.clock.Advance(tt.want - time.Second)
			if err := s.Poll(context.Background(), src); err != nil {
				t.Errorf("Poll during Retry-After = %v, want nil (skipped)", err)
			}
			if hits, _ := busy.counts(); hits != 1 {
				t.Errorf("server hit %d times, want 1", hits)
			}
		})
	}
}

// TestPollRecordsClearErrors: every kind of bad input ends as a readable
// LastError on that source, nothing published, and the next source works.
func TestPollRecordsClearErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr string
	}{
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "internal error", http.StatusInternalServerError)
		}, "http status 500"},
		{"broken xml", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><item><title>Half`)
		}, "parse feed"},
		{"html instead of a feed", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html><html><head><title>Nieuws</title></head><body><h1>Nieuws</h1></body></html>`)
		}, "parse feed"},
		{"too large", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel>`)
			for range 2000 {
				fmt.Fprint(w, `<item><title>Vuurwerkoverlast</title><link>https://example.nl/x</link></item>`)
			}
		}, ErrTooLarge.Error()},
		{"redirect loop", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path, http.StatusFound)
		}, "redirects (loop?)"},
		{"never answers", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}, "deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.mux.Handle("/bad.xml", tt.handler)
			bad := config.Source{ID: "bad", Kind: "feed", URL: e.srv.URL + "/bad.xml", Schedule: "@every 10m", Network: loopback}
			good := e.site(t, "rijksoverheid-jenv", &site{body: fixture(t, "rijksoverheid-jenv.rss")})
			s := e.serviceWith(t, func(c *config.Config) {
				c.Ingest.MaxBytes = 64 << 10
				c.Ingest.Timeout = 500 * time.Millisecond
			}, bad, good)

			err := s.Poll(context.Background(), bad)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Poll = %v, want an error with %q", err, tt.wantErr)
			}
			st := e.state(t, s, bad.ID)
			if st.Failures != 1 || !strings.Contains(st.LastError, tt.wantErr) || !st.NextAttempt.After(e.clock.Now()) {
				t.Errorf("state = %+v, want 1 failure with %q and a next attempt", st, tt.wantErr)
			}
			if n := len(e.raw(t, bad.ID)); n != 0 {
				t.Errorf("%d items published from a failing source", n)
			}
			if err := s.Poll(context.Background(), good); err != nil {
				t.Errorf("Poll(good) = %v", err)
			}
			if n := len(e.raw(t, good.ID)); n != 2 {
				t.Errorf("%d items from the good source, want 2", n)
			}
		})
	}

	t.Run("dead host", func(t *testing.T) {
		e := newEnv(t)
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		url := "http://" + l.Addr().String() + "/rss.xml"
		l.Close()
		src := config.Source{ID: "dood", Kind: "feed", URL: url, Schedule: "@every 10m", Network: loopback}
		s := e.service(t, src)
		if err := s.Poll(context.Background(), src); err == nil {
			t.Fatal("Poll of a dead host = nil")
		}
		if st := e.state(t, s, src.ID); st.Failures != 1 || !strings.Contains(st.LastError, "connection refused") {
			t.Errorf("state = %+v, want connection refused", st)
		}
	})
}

// TestPollSkipsBadEntries: a feed with hostile and broken entries still
// publishes its good ones.
func TestPollKeepsOddEntries(t *testing.T) {
	e := newEnv(t)
	src := e.site(t, "veiligheidsnetwerk", &site{body: fixture(t, "hostile.rss")})
	s := e.service(t, src)
	if err := s.Poll(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	items := e.raw(t, src.ID)
	if len(items) != 7 {
		t.Errorf("%d items published, want all 7 entries", len(items))
	}
	for _, it := range items {
		if p := activeMarkup(it.Content); p != "" {
			t.Errorf("item %q on the raw stream keeps %s", it.Title, p)
		}
	}
	if st := e.state(t, s, src.ID); st.ItemsFound != 7 || st.Failures != 0 {
		t.Errorf("state = %+v, want 7 items and no failure", st)
	}
}

func TestRunPollsAtStartAndStops(t *testing.T) {
	e := newEnv(t)
	politie := e.site(t, "politie-midden-nederland", &site{body: fixture(t, "politie-midden-nederland.rss")})
	nctv := e.site(t, "nctv", &site{body: fixture(t, "nctv.atom")})
	// The hanging source is on another host: one request at a time goes to
	// a host, so only sources on the same host would wait for it.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(slow.Close)
	hung := config.Source{ID: "traag", Kind: "feed", URL: slow.URL + "/traag.xml", Schedule: "@every 10m", Network: loopback}
	s := e.service(t, politie, nctv, hung) // default timeout: 30s

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	deadline := time.Now().Add(10 * time.Second)
	for len(e.raw(t, politie.ID)) < 4 || len(e.raw(t, nctv.ID)) < 4 {
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("Run did not poll every source at start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel while a source hangs")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Run took %v to stop", d)
	}
	// A poll cut short by shutdown is not the source's fault.
	if st := e.state(t, s, hung.ID); st.Failures != 0 || st.LastError != "" {
		t.Errorf("hung source state after shutdown = %+v, want no failure", st)
	}
}

func TestBackoff(t *testing.T) {
	const limit = 6 * time.Hour
	tests := []struct {
		n          int
		retryAfter time.Duration
		want       time.Duration
	}{
		{0, 0, time.Minute},
		{1, 0, time.Minute},
		{2, 0, 2 * time.Minute},
		{3, 0, 4 * time.Minute},
		{9, 0, 256 * time.Minute},
		{10, 0, limit},
		{17, 0, limit},
		{1000, 0, limit}, // no overflow
		{1, 30 * time.Second, time.Minute},
		{1, time.Hour, time.Hour},
		{1, 2 * time.Hour, 2 * time.Hour}, // the server's wish beats the exponential wait
		{10, 24 * time.Hour, limit},       // but not max_backoff
		{1, 1 << 62, limit},               // a Retry-After of centuries
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d/%v", tt.n, tt.retryAfter), func(t *testing.T) {
			if got := backoff(tt.n, limit, tt.retryAfter); got != tt.want {
				t.Errorf("backoff(%d, %v, %v) = %v, want %v", tt.n, limit, tt.retryAfter, got, tt.want)
			}
		})
	}
}

// TestPollNotTwiceAtOnce: a poll that outlasts the next schedule tick is
// not started a second time for the same source.
func TestPollNotTwiceAtOnce(t *testing.T) {
	e := newEnv(t)
	feed := fixture(t, "politie-midden-nederland.rss")
	var hits atomic.Int32
	release := make(chan struct{})
	e.mux.HandleFunc("/slow.xml", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-release
		w.Write(feed)
	})
	src := config.Source{ID: "slow", Name: "slow", Kind: "feed", URL: e.srv.URL + "/slow.xml", Schedule: "@every 10m", Network: loopback}
	s := e.service(t, src)
	first := make(chan error, 1)
	go func() { first <- s.Poll(context.Background(), src) }()
	for hits.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	if err := s.Poll(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("%d requests while one poll was running, want 1", n)
	}
	if n := len(e.raw(t, src.ID)); n != 4 {
		t.Errorf("%d items published, want 4", n)
	}
}

// loopback lets a test source reach its server on 127.0.0.1, which the
// fetcher refuses by default.
var loopback = config.Network{AllowPrivate: true}
