package ingest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bakenhub/baken/pkg/config"
)

// serveOn starts h on addr ("127.0.0.2:0"): the tests need two loopback
// hosts, one a source is allowed to reach and one it is not.
func serveOn(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// TestSSRFMatrix: the fetcher refuses internal addresses unless the source
// or the ingest section allows them, on the first request, on redirects,
// through a proxy and for followed article links. Only loopback is used:
// 127.0.0.1 plays the internal service with a secret, 127.0.0.2 a host a
// source is allowed to reach.
func TestSSRFMatrix(t *testing.T) {
	e := newEnv(t)
	var secretHits atomic.Int32
	secret := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secretHits.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>intern</title>
<item><title>GEHEIM wachtwoord</title><link>https://intern.example/geheim</link><description>GEHEIM</description></item></channel></rss>`)
	})
	internal := serveOn(t, "127.0.0.1:0", secret)
	_, iport, _ := net.SplitHostPort(internal.Listener.Addr().String())
	secretURL := internal.URL + "/secret.xml"

	allowedMux := http.NewServeMux()
	allowed := serveOn(t, "127.0.0.2:0", allowedMux)
	allowedMux.HandleFunc("/to-internal", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, secretURL, http.StatusFound)
	})
	allowedMux.HandleFunc("/to-localhost", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:"+iport+"/secret.xml", http.StatusMovedPermanently)
	})
	allowedMux.HandleFunc("/robots.txt", http.NotFound)
	allowedMux.HandleFunc("/nieuws", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, listPage([]card{
			{title: "Drugslab opgerold in Nieuwegein", slug: "drugslab", date: "20 december 2023", intro: "Politie vindt drugslab."},
		}, ""))
		fmt.Fprintf(w, `<article class="news-card"><h3 class="news-card__title">Intern</h3><span class="news-card__date">19 december 2023</span><a class="news-card__more" href="%s">Lees artikel</a></article>`, secretURL)
	})
	allowedMux.HandleFunc("/nieuws/drugslab", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, articlePage("Drugslab opgerold in Nieuwegein", "<p>De politie heeft een drugslab opgerold.</p>"))
	})
	allowedMux.HandleFunc("/feed.xml", secret) // what the "proxy" answers for a named host

	only127_2 := config.Network{AllowCIDRs: []string{"127.0.0.2/32"}}
	feed := func(url string, n config.Network) config.Source {
		return config.Source{ID: "bron", Name: "bron", Kind: "feed", URL: url, Schedule: "@every 10m", Network: n}
	}
	tests := []struct {
		name    string
		src     config.Source
		ingest  config.Network
		proxy   string
		refused string // part of the error; "" when the fetch must succeed
	}{
		{name: "loopback address", src: feed(secretURL, config.Network{}), refused: "refused 127.0.0.1: loopback; set allow_private"},
		{name: "localhost resolves to loopback", src: feed("http://localhost:"+iport+"/secret.xml", config.Network{}), refused: ": loopback; set allow_private"},
		{name: "IPv6 loopback", src: feed("http://[::1]:"+iport+"/secret.xml", config.Network{}), refused: "refused ::1: loopback"},
		{name: "IPv4-mapped loopback", src: feed("http://[::ffff:127.0.0.1]:"+iport+"/secret.xml", config.Network{}), refused: "refused 127.0.0.1: loopback"},
		{name: "source allow_private", src: feed(secretURL, config.Network{AllowPrivate: true})},
		{name: "source allow_cidrs", src: feed(secretURL, config.Network{AllowCIDRs: []string{"127.0.0.0/30"}})},
		{name: "ingest allow_private", src: feed(secretURL, config.Network{}), ingest: config.Network{AllowPrivate: true}},
		{name: "CIDR of another host", src: feed(secretURL, only127_2), refused: "refused 127.0.0.1: loopback"},
		{name: "allowed host redirects to internal", src: feed(allowed.URL+"/to-internal", only127_2), refused: "refused 127.0.0.1: loopback"},
		{name: "allowed host redirects to localhost", src: feed(allowed.URL+"/to-localhost", only127_2), refused: ": loopback"},
		{name: "proxy: internal address", src: feed(secretURL, config.Network{}), proxy: allowed.URL, refused: "refused 127.0.0.1: loopback"},
		{name: "proxy: localhost", src: feed("http://localhost:"+iport+"/secret.xml", config.Network{}), proxy: allowed.URL, refused: "refused 127.0.0.1: loopback"},
		{name: "proxy: a named host is the proxy's to resolve", src: feed("http://nieuws.bureau.example/feed.xml", config.Network{}), proxy: allowed.URL},
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-48s %-8s %-8s %s\n", "case", "want", "got", "internal hits")
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.src.ID = fmt.Sprintf("bron-%d", i)
			s := e.serviceWith(t, func(c *config.Config) {
				c.Ingest.Network = tt.ingest
				c.Ingest.Proxy = tt.proxy
				if tt.proxy != "" {
					c.Ingest.AllowCIDRs = append(c.Ingest.AllowCIDRs, "127.0.0.2/32") // the proxy itself
				}
			}, tt.src)
			before := secretHits.Load()
			err := s.Poll(context.Background(), tt.src)
			hits := secretHits.Load() - before
			want, got := "allowed", "allowed"
			if tt.refused != "" {
				want = "refused"
			}
			if err != nil {
				got = "refused"
			}
			fmt.Fprintf(&table, "%-48s %-8s %-8s %d\n", tt.name, want, got, hits)
			st := e.state(t, s, tt.src.ID)
			if tt.refused == "" {
				if err != nil {
					t.Fatalf("poll: %v", err)
				}
				if len(e.raw(t, tt.src.ID)) != 1 {
					t.Errorf("want the feed's one item on the raw stream")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.refused) {
				t.Fatalf("poll error = %v, want it to contain %q", err, tt.refused)
			}
			if !strings.Contains(st.LastError, tt.refused) {
				t.Errorf("status LastError = %q, want %q", st.LastError, tt.refused)
			}
			if hits != 0 && tt.proxy == "" {
				t.Errorf("the internal server was reached %d times", hits)
			}
			if n := len(e.raw(t, tt.src.ID)); n != 0 {
				t.Errorf("%d items of the internal server were published", n)
			}
		})
	}

	// A followed article link to an internal address is not fetched; the
	// other item of the page is.
	t.Run("followed link to internal address", func(t *testing.T) {
		sc := cardsScrape
		sc.Follow = true
		sc.Body = ".article__body"
		src := config.Source{ID: "partner", Name: "partner", Kind: "html", URL: allowed.URL + "/nieuws", Schedule: "@every 10m", Scrape: &sc, Network: only127_2}
		s := e.serviceWith(t, func(*config.Config) {}, src)
		before := secretHits.Load()
		if err := s.Poll(context.Background(), src); err != nil {
			t.Fatalf("poll: %v", err)
		}
		hits := secretHits.Load() - before
		fmt.Fprintf(&table, "%-48s %-8s %-8s %d\n", "followed article link to 127.0.0.1", "refused", map[bool]string{true: "refused", false: "allowed"}[hits == 0], hits)
		if hits != 0 {
			t.Errorf("the internal article was fetched %d times", hits)
		}
		items := e.raw(t, "partner")
		if len(items) != 1 || !strings.Contains(items[0].Content, "drugslab opgerold") {
			t.Errorf("want the allowed article only, got %d items", len(items))
		}
		for _, it := range items {
			if strings.Contains(it.Title+it.Content, "GEHEIM") {
				t.Errorf("secret published: %q", it.Title)
			}
		}
	})
	t.Logf("SSRF matrix:\n%s", table.String())
}
