package httpserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestInstrument(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feeds/{path...}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write([]byte("<feed/>"))
	})
	reg := prometheus.NewRegistry()
	srv := httptest.NewServer(Instrument(reg, mux))
	defer srv.Close()
	get := func(path, inm string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	get("/feeds/all.atom", "")
	get("/feeds/themes/ondermijning.rss", "")
	get("/feeds/all.atom", `"v1"`)
	get("/nergens", "")
	want := `
# HELP baken_http_requests_total HTTP requests by route pattern and status code (304: answered from the client's copy).
# TYPE baken_http_requests_total counter
baken_http_requests_total{route="GET /feeds/{path...}",status="200"} 2
baken_http_requests_total{route="GET /feeds/{path...}",status="304"} 1
baken_http_requests_total{route="unmatched",status="404"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "baken_http_requests_total"); err != nil {
		t.Error(err)
	}
}
