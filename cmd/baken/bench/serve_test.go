package main

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestSettledFeedAndConditionalStatus: the serving runs take a feed only
// once it stopped changing, and check their 304s on a server that, like
// nginx with gzip_static, gives its gzip representation an ETag of its own.
func TestSettledFeedAndConditionalStatus(t *testing.T) {
	var served atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		etag := `"v2"`
		if n <= 2 { // still rebuilding: the first answers are older versions
			etag = `"v1"`
			if n == 2 {
				etag = `"v1b"`
			}
		}
		if r.Header.Get("Accept-Encoding") == "gzip" {
			etag = `"v2-gz"`
		}
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write([]byte("<feed>" + etag + "</feed>"))
	}))
	defer srv.Close()

	body, etag, err := settledFeed(srv.URL, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if etag != `"v2"` || string(body) != `<feed>"v2"</feed>` {
		t.Errorf("settled on %s %q, want the plain representation's \"v2\"", etag, body)
	}
	tests := []struct {
		etag string
		want int
	}{
		{`"v2"`, http.StatusNotModified},
		{`"v2-gz"`, http.StatusOK}, // what Go's client would have been given
		{`"v1"`, http.StatusOK},
	}
	for _, tt := range tests {
		if got := conditionalStatus(srv.URL, tt.etag); got != tt.want {
			t.Errorf("If-None-Match %s: %d, want %d", tt.etag, got, tt.want)
		}
	}
}
