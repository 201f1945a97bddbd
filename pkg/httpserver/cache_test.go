package httpserver

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCacheControlAndCORS(t *testing.T) {
	mux := http.NewServeMux()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.Handle("GET /feed", PublicRead(CacheControl(CacheFeed, ok)))
	mux.HandleFunc("OPTIONS /feed", Preflight)
	mux.Handle("POST /write", CacheControl(CacheNever, ok))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	tests := []struct {
		method, path string
		status       int
		cache, cors  string
	}{
		{"GET", "/feed", 200, CacheFeed, "*"},
		{"HEAD", "/feed", 200, CacheFeed, "*"},
		{"OPTIONS", "/feed", 204, CacheSlow, "*"},
		{"POST", "/write", 200, CacheNever, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			req.Header.Set("Origin", "https://widget.example.nl")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status || resp.Header.Get("Cache-Control") != tt.cache || resp.Header.Get("Access-Control-Allow-Origin") != tt.cors {
				t.Errorf("%d, Cache-Control %q, CORS %q; want %d, %q, %q", resp.StatusCode, resp.Header.Get("Cache-Control"),
					resp.Header.Get("Access-Control-Allow-Origin"), tt.status, tt.cache, tt.cors)
			}
			if tt.method == "OPTIONS" && resp.Header.Get("Access-Control-Allow-Methods") != "GET, HEAD, OPTIONS" {
				t.Errorf("preflight methods %q", resp.Header.Get("Access-Control-Allow-Methods"))
			}
		})
	}
}
