package ingest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/config"
)

// newFetcher returns a Fetcher for the test servers on loopback, which
// it may reach (allow_private), without a politeness gate.
func newFetcher(maxBytes int64, timeout time.Duration) *Fetcher {
	f, err := NewFetcher(config.Ingest{UserAgent: "Baken-test/1.0", MaxBytes: maxBytes, Timeout: timeout, Network: config.Network{AllowPrivate: true}})
	if err != nil {
		panic(err)
	}
	f.Hosts = nil
	return f
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFetchConditionalGET(t *testing.T) {
	const etag = `"nctv-2023-12-12T10:20"`
	lastModified := "Tue, 12 Dec 2023 09:20:00 GMT"
	newLastModified := "Tue, 12 Dec 2023 09:25:00 GMT"
	modTime, _ := http.ParseTime(lastModified)
	body := fixture(t, "nctv.atom")

	var mu sync.Mutex
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Clone()
		mu.Unlock()
		notModified := false
		// If-None-Match takes precedence over If-Modified-Since (RFC 9110).
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			notModified = inm == etag
		} else if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil {
			notModified = !modTime.After(ims)
		}
		if notModified {
			if r.URL.Path == "/fresh-validators" {
				// A 304 may carry a newer Last-Modified.
				w.Header().Set("Last-Modified", newLastModified)
			}
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastModified)
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		w.Write(body)
	}))
	defer srv.Close()

	tests := []struct {
		name             string
		path             string
		etag, lastMod    string
		wantNotModified  bool
		wantETag         string
		wantLastModified string
	}{
		{"first fetch", "/", "", "", false, etag, lastModified},
		{"matching etag", "/", etag, "", true, "", ""},
		{"matching etag and date", "/", etag, lastModified, true, "", ""},
		{"stale etag wins over a matching date", "/", `"old"`, lastModified, false, etag, lastModified},
		{"matching date only", "/", "", lastModified, true, "", ""},
		{"older date only", "/", "", "Mon, 11 Dec 2023 09:20:00 GMT", false, etag, lastModified},
		{"304 with a newer Last-Modified", "/fresh-validators", etag, lastModified, true, "", newLastModified},
	}
	f := newFetcher(1<<20, 5*time.Second)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := f.Fetch(context.Background(), srv.URL+tt.path, tt.etag, tt.lastMod)
			if err != nil {
				t.Fatal(err)
			}
			if resp.NotModified != tt.wantNotModified {
				t.Errorf("NotModified = %v, want %v", resp.NotModified, tt.wantNotModified)
			}
			if resp.ETag != tt.wantETag || resp.LastModified != tt.wantLastModified {
				t.Errorf("validators = %q, %q; want %q, %q", resp.ETag, resp.LastModified, tt.wantETag, tt.wantLastModified)
			}
			if tt.wantNotModified && len(resp.Body) != 0 {
				t.Errorf("304 has a body of %d bytes", len(resp.Body))
			}
			if !tt.wantNotModified {
				if string(resp.Body) != string(body) {
					t.Errorf("body of %d bytes, want the %d-byte feed", len(resp.Body), len(body))
				}
				if !strings.HasPrefix(resp.ContentType, "application/atom+xml") {
					t.Errorf("ContentType = %q", resp.ContentType)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if h := got.Get("If-None-Match"); h != tt.etag {
				t.Errorf("sent If-None-Match %q, want %q", h, tt.etag)
			}
			if h := got.Get("If-Modified-Since"); h != tt.lastMod {
				t.Errorf("sent If-Modified-Since %q, want %q", h, tt.lastMod)
			}
			if h := got.Get("User-Agent"); h != "Baken-test/1.0" {
				t.Errorf("sent User-Agent %q", h)
			}
			if h := got.Get("Accept"); !strings.Contains(h, "application/rss+xml") || !strings.Contains(h, "application/atom+xml") {
				t.Errorf("sent Accept %q, want feed types", h)
			}
		})
	}
}

func TestFetchSizeCap(t *testing.T) {
	const max = 4096
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/endless" {
			// A response that never ends: stop only when the client hangs up.
			chunk := []byte(strings.Repeat("<item><title>spam</title></item>", 128))
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			return
		}
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		w.Write([]byte(strings.Repeat("x", n)))
	}))
	defer srv.Close()

	tests := []struct {
		path    string
		wantLen int
		tooBig  bool
	}{
		{"/0", 0, false},
		{fmt.Sprintf("/%d", max-1), max - 1, false},
		{fmt.Sprintf("/%d", max), max, false},
		{fmt.Sprintf("/%d", max+1), 0, true},
		{fmt.Sprintf("/%d", 10*max), 0, true},
		{"/endless", 0, true},
	}
	f := newFetcher(max, 10*time.Second)
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			start := time.Now()
			resp, err := f.Fetch(context.Background(), srv.URL+tt.path, "", "")
			if tt.tooBig {
				if !errors.Is(err, ErrTooLarge) {
					t.Fatalf("err = %v, want ErrTooLarge", err)
				}
				if !strings.Contains(err.Error(), strconv.Itoa(max)) {
					t.Errorf("error %q does not say the limit", err)
				}
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("took %v to give up", d)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Body) != tt.wantLen {
				t.Errorf("body of %d bytes, want %d", len(resp.Body), tt.wantLen)
			}
		})
	}
}

func TestFetchRedirects(t *testing.T) {
	body := fixture(t, "rijksoverheid-jenv.rss")
	mux := http.NewServeMux()
	mux.HandleFunc("/loop/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop/b", http.StatusFound) })
	mux.HandleFunc("/loop/b", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/a", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/self", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/self", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			http.Redirect(w, r, "/feed.rss", http.StatusFound)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("/feed.rss", func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		path    string
		wantErr bool
	}{
		{"/hop/0", false}, // one redirect
		{"/hop/3", false}, // four
		{"/hop/4", true},  // a fifth redirect is refused (the limit counts like net/http's)
		{"/loop/a", true},
		{"/self", true},
	}
	f := newFetcher(1<<20, 5*time.Second)
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := f.Fetch(context.Background(), srv.URL+tt.path, "", "")
			if tt.wantErr {
				if err == nil {
					t.Fatalf("no error, want a redirect error (final url %s)", resp.URL)
				}
				if msg := err.Error(); !strings.Contains(msg, "redirects") || !strings.Contains(msg, "loop") {
					t.Errorf("error %q does not explain the redirect loop", msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := srv.URL + "/feed.rss"; resp.URL != want {
				t.Errorf("URL = %q, want the final %q", resp.URL, want)
			}
			if string(resp.Body) != string(body) {
				t.Error("body is not the feed")
			}
		})
	}
}

func TestFetchHTTPError(t *testing.T) {
	inTwoMinutes := time.Now().Add(2 * time.Minute).UTC().Format(http.TimeFormat)
	tests := []struct {
		status     int
		retryAfter string
		want       time.Duration
		tolerance  time.Duration
		wantText   string
	}{
		{http.StatusNotFound, "", 0, 0, "http status 404 Not Found"},
		{http.StatusGone, "", 0, 0, "http status 410 Gone"},
		{http.StatusInternalServerError, "", 0, 0, "http status 500 Internal Server Error"},
		{http.StatusForbidden, "garbage", 0, 0, "http status 403 Forbidden"},
		{http.StatusTooManyRequests, "120", 2 * time.Minute, 0, "http status 429 Too Many Requests"},
		{http.StatusServiceUnavailable, inTwoMinutes, 2 * time.Minute, 3 * time.Second, "http status 503 Service Unavailable"},
		{http.StatusMovedPermanently, "", 0, 0, "http status 301"}, // a redirect without Location
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, "<html><body>Er ging iets mis</body></html>")
			}))
			defer srv.Close()
			_, err := newFetcher(1<<20, 5*time.Second).Fetch(context.Background(), srv.URL, "", "")
			var he *HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v, want *HTTPError", err)
			}
			if he.Status != tt.status {
				t.Errorf("Status = %d, want %d", he.Status, tt.status)
			}
			if d := he.RetryAfter - tt.want; d < -tt.tolerance || d > tt.tolerance {
				t.Errorf("RetryAfter = %v, want %v ± %v", he.RetryAfter, tt.want, tt.tolerance)
			}
			if !strings.HasPrefix(err.Error(), tt.wantText) {
				t.Errorf("error %q, want %q", err, tt.wantText)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2023, 12, 20, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name, header string
		want         time.Duration
	}{
		{"absent", "", 0},
		{"zero seconds", "0", 0},
		{"seconds", "120", 2 * time.Minute},
		{"a day in seconds", "86400", 24 * time.Hour},
		{"negative seconds", "-5", 0},
		{"fraction", "1.5", 0},
		{"http date", "Wed, 20 Dec 2023 09:45:00 GMT", 15 * time.Minute},
		{"rfc 850 date", "Wednesday, 20-Dec-23 10:30:00 GMT", time.Hour},
		{"asctime date", "Wed Dec 20 09:31:00 2023", time.Minute},
		{"date now", "Wed, 20 Dec 2023 09:30:00 GMT", 0},
		{"date in the past", "Tue, 19 Dec 2023 09:30:00 GMT", 0},
		{"garbage", "soon", 0},
		{"date with a numeric zone is not an http date", "Wed, 20 Dec 2023 10:45:00 +0100", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryAfter(tt.header, now); got != tt.want {
				t.Errorf("retryAfter(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

func TestFetchTimeout(t *testing.T) {
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/silent", func(w http.ResponseWriter, r *http.Request) {
		// Never answers.
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/stalls", func(w http.ResponseWriter, r *http.Request) {
		// Sends the headers and the start of a feed, then nothing.
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Politie`))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: frees the handlers

	const timeout = 300 * time.Millisecond
	for _, path := range []string{"/silent", "/stalls"} {
		t.Run(path, func(t *testing.T) {
			start := time.Now()
			_, err := newFetcher(1<<20, timeout).Fetch(context.Background(), srv.URL+path, "", "")
			elapsed := time.Since(start)
			if err == nil {
				t.Fatal("no error from a server that never answers")
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want a deadline error", err)
			}
			if elapsed < timeout || elapsed > timeout+2*time.Second {
				t.Errorf("gave up after %v, want about %v", elapsed, timeout)
			}
		})
	}

	t.Run("caller cancels", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		_, err := newFetcher(1<<20, time.Minute).Fetch(ctx, srv.URL+"/silent", "", "")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("took %v to notice the cancel", d)
		}
	})

	t.Run("dead host", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		_, err = newFetcher(1<<20, 5*time.Second).Fetch(context.Background(), "http://"+addr+"/nieuws.rss", "", "")
		if err == nil || !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("err = %v, want connection refused", err)
		}
	})
}
