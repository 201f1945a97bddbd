package ingest

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bakenhub/baken/pkg/netguard"
)

func TestErrorKind(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&HTTPError{Status: http.StatusNotFound}, "http_4xx"},
		{fmt.Errorf("fetch x: %w", &HTTPError{Status: http.StatusServiceUnavailable}), "http_5xx"},
		{fmt.Errorf("fetch: %w", &netguard.RefusedError{Rule: "loopback"}), "refused"},
		{fmt.Errorf("read: %w", ErrTooLarge), "too_large"},
		{fmt.Errorf("get: %w", context.DeadlineExceeded), "timeout"},
		{fmt.Errorf("parse feed: EOF"), "other"},
	}
	for _, tt := range tests {
		if got := errorKind(tt.err); got != tt.want {
			t.Errorf("errorKind(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

// The poll metrics land on the registry passed in.
func TestPollMetrics(t *testing.T) {
	e := newEnv(t)
	good := e.site(t, "goed", &site{body: fixture(t, "politie-midden-nederland.rss"), etag: `"v1"`})
	gone := e.site(t, "weg", &site{status: http.StatusNotFound})
	s := e.service(t, good, gone)
	reg := prometheus.NewRegistry()
	s.UseMetrics(NewMetrics(reg))
	ctx := context.Background()
	_ = s.Poll(ctx, good)
	e.clock.Advance(time.Hour)
	_ = s.Poll(ctx, good) // 304
	_ = s.Poll(ctx, gone)
	for _, c := range []struct{ source, result string }{{"goed", "ok"}, {"goed", "not_modified"}, {"weg", "http_4xx"}} {
		if got := testutil.ToFloat64(s.metrics.fetches.WithLabelValues(c.source, c.result)); got != 1 {
			t.Errorf("fetches{%s,%s} = %v, want 1", c.source, c.result, got)
		}
	}
	if got := testutil.ToFloat64(s.metrics.lastSuccess.WithLabelValues("goed")); got != float64(e.clock.Now().Unix()) {
		t.Errorf("last success = %v, want the second poll's time", got)
	}
	if n, err := testutil.GatherAndCount(reg, "baken_ingest_poll_seconds"); err != nil || n != 2 {
		t.Errorf("poll duration series: %d, %v; want 2", n, err)
	}
}
