package publish

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/stage"
)

// TestServeEncodingsAndConditionals: every feed answers GET and HEAD,
// plain or gzip as negotiated, with Vary, and 304 for what the client has.
func TestServeEncodingsAndConditionals(t *testing.T) {
	p, js, srv := publisherUnderTest(t)
	for _, it := range testItems() {
		if err := stage.Publish(context.Background(), js, bus.CuratedItemSubject(it.ID), it); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "three items", func() bool { return p.View().Held() == 3 })
	url := srv.URL + "/feeds/all.atom"
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	do := func(method string, header ...string) (*http.Response, []byte) {
		req, _ := http.NewRequest(method, url, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	plain, plainBody := do(http.MethodGet)
	zipped, _ := do(http.MethodGet, "Accept-Encoding", "gzip")
	etag, gzTag, lastMod := plain.Header.Get("ETag"), zipped.Header.Get("ETag"), plain.Header.Get("Last-Modified")
	if etag == "" || gzTag == "" || etag == gzTag || lastMod == "" {
		t.Fatalf("ETags %q and %q, Last-Modified %q: want two distinct tags and a date", etag, gzTag, lastMod)
	}
	tests := []struct {
		name     string
		method   string
		header   []string
		status   int
		encoding string
	}{
		{"plain", http.MethodGet, nil, 200, ""},
		{"gzip", http.MethodGet, []string{"Accept-Encoding", "gzip, deflate, br"}, 200, "gzip"},
		{"gzip with quality", http.MethodGet, []string{"Accept-Encoding", "br;q=1.0, gzip;q=0.5"}, 200, "gzip"},
		{"gzip refused", http.MethodGet, []string{"Accept-Encoding", "gzip;q=0"}, 200, ""},
		{"identity only", http.MethodGet, []string{"Accept-Encoding", "identity"}, 200, ""},
		{"head", http.MethodHead, nil, 200, ""},
		{"head gzip", http.MethodHead, []string{"Accept-Encoding", "gzip"}, 200, "gzip"},
		{"etag", http.MethodGet, []string{"If-None-Match", etag}, 304, ""},
		{"gzip etag, gzip client", http.MethodGet, []string{"If-None-Match", gzTag, "Accept-Encoding", "gzip"}, 304, ""},
		{"weak etag in a list", http.MethodGet, []string{"If-None-Match", `"other", W/` + etag}, 304, ""},
		{"other etag", http.MethodGet, []string{"If-None-Match", `"other"`}, 200, ""},
		{"other etag wins over date", http.MethodGet, []string{"If-None-Match", `"other"`, "If-Modified-Since", lastMod}, 200, ""},
		{"since last change", http.MethodGet, []string{"If-Modified-Since", lastMod}, 304, ""},
		{"before last change", http.MethodGet, []string{"If-Modified-Since", time.Unix(0, 0).UTC().Format(http.TimeFormat)}, 200, ""},
		{"head etag", http.MethodHead, []string{"If-None-Match", etag}, 304, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(tt.method, tt.header...)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if got := resp.Header.Get("Content-Encoding"); got != tt.encoding {
				t.Errorf("Content-Encoding %q, want %q", got, tt.encoding)
			}
			if resp.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("Vary %q, want Accept-Encoding", resp.Header.Get("Vary"))
			}
			if resp.Header.Get("ETag") == "" {
				t.Error("no ETag")
			}
			switch {
			case tt.status == 304 || tt.method == http.MethodHead:
				if len(body) != 0 {
					t.Errorf("%d bytes of body, want none", len(body))
				}
				if tt.status == 200 && resp.ContentLength <= 0 {
					t.Errorf("HEAD: Content-Length %d", resp.ContentLength)
				}
			case tt.encoding == "gzip":
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(zr)
				if !bytes.Equal(got, plainBody) {
					t.Error("the gzip body does not decompress to the plain one")
				}
				if len(body) >= len(plainBody)/2 {
					t.Errorf("gzip %d bytes for %d plain", len(body), len(plainBody))
				}
			default:
				if !bytes.Equal(body, plainBody) {
					t.Error("body differs from the first answer")
				}
			}
		})
	}
}
