package hub

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/config"
)

// /readyz answers for what the process runs: an ingest-only process has
// no view to rebuild; a publisher is ready once its view is. /healthz is
// liveness only.
func TestReadiness(t *testing.T) {
	cfg := config.Default()
	tests := []struct {
		services []string
		checks   []string
	}{
		{[]string{"ingest"}, []string{"nats", "streams"}},
		{[]string{"classify", "dedup", "publish"}, []string{"nats", "streams", "view"}},
	}
	for _, tt := range tests {
		h := startHubWith(t, Options{Config: cfg, DataDir: t.TempDir(), Services: tt.services})
		var ready struct {
			Ready  bool
			Checks map[string]string
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			resp, err := http.Get(h.base + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			_ = json.NewDecoder(resp.Body).Decode(&ready)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && ready.Ready {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%v: /readyz %d %+v", tt.services, resp.StatusCode, ready)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if len(ready.Checks) != len(tt.checks) {
			t.Errorf("%v: checks %v, want %v", tt.services, ready.Checks, tt.checks)
		}
		for _, c := range tt.checks {
			if ready.Checks[c] != "ok" {
				t.Errorf("%v: check %s = %q", tt.services, c, ready.Checks[c])
			}
		}
		var live struct {
			Alive    bool
			Services []string
		}
		if err := json.Unmarshal(h.get(t, "/healthz"), &live); err != nil || !live.Alive || len(live.Services) != len(tt.services) {
			t.Errorf("%v: /healthz %+v %v", tt.services, live, err)
		}
		for path, want := range map[string]string{"/healthz": "no-store", "/readyz": "no-store", "/metrics": "no-store", "/sources": "no-cache"} {
			resp, err := http.Get(h.base + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Cache-Control"); got != want {
				t.Errorf("%s: Cache-Control %q, want %q", path, got, want)
			}
		}
		h.shutdown(t)
	}
}
