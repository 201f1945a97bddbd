package ingest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestHostsHold: a Retry-After hold lasts at most MaxHold, and a success
// from the host lifts it.
func TestHostsHold(t *testing.T) {
	now := time.Date(2024, 1, 8, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		maxHold time.Duration
		until   time.Time
		lift    bool
		want    time.Time // the hold in force afterwards
	}{
		{"a hold within max_backoff", 6 * time.Hour, now.Add(time.Hour), false, now.Add(time.Hour)},
		{"the year 2273 is capped", 6 * time.Hour, time.Date(2273, 1, 1, 0, 0, 0, 0, time.UTC), false, now.Add(6 * time.Hour)},
		{"no cap configured", 0, now.Add(48 * time.Hour), false, now.Add(48 * time.Hour)},
		{"a success lifts the hold", 6 * time.Hour, now.Add(time.Hour), true, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHosts(0)
			h.now = func() time.Time { return now }
			h.MaxHold = tt.maxHold
			h.Defer("www.rijksoverheid.nl", tt.until)
			if tt.lift {
				h.Lift("www.rijksoverheid.nl")
			}
			if got := h.get("www.rijksoverheid.nl").until; !got.Equal(tt.want) {
				t.Errorf("hold until %v, want %v", got, tt.want)
			}
			_, err := h.Acquire(context.Background(), "www.rijksoverheid.nl", time.Minute)
			var busy *HostBusyError
			if held := !tt.want.IsZero(); held != errors.As(err, &busy) {
				t.Errorf("Acquire = %v, want held %v", err, held)
			}
		})
	}
}

// TestFetchSuccessLiftsHold: after a 503 with a short Retry-After, the next
// request waits for it, and its success lifts the hold for every source on
// the host.
func TestFetchSuccessLiftsHold(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("<rss/>"))
	}))
	defer srv.Close()
	f := newFetcher(1<<20, 10*time.Second)
	f.Hosts = NewHosts(0)
	f.Hosts.MaxHold = time.Hour
	ctx := context.Background()
	var he *HTTPError
	if _, err := f.Fetch(ctx, srv.URL+"/a.xml", "", ""); !errors.As(err, &he) || he.RetryAfter != time.Second {
		t.Fatalf("first fetch = %v, want a 503 with Retry-After 1s", err)
	}
	host := hostOf(t, srv.URL)
	if f.Hosts.get(host).until.IsZero() {
		t.Fatal("no hold after the 503")
	}
	if _, err := f.Fetch(ctx, srv.URL+"/b.xml", "", ""); err != nil {
		t.Fatal(err)
	}
	if until := f.Hosts.get(host).until; !until.IsZero() {
		t.Errorf("hold until %v after a success, want none", until)
	}
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// TestHostsHangingRequestHoldsTurnOneTimeout: a request that never ends
// holds its host's turn, but a caller that has waited one timeout for the
// turn goes ahead.
func TestHostsHangingRequestHoldsTurnOneTimeout(t *testing.T) {
	const timeout = 100 * time.Millisecond
	h := NewHosts(0)
	hung, err := h.Acquire(context.Background(), "www.veiligheidscoalitie.nl", timeout)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		release, err := h.Acquire(context.Background(), "www.veiligheidscoalitie.nl", timeout)
		if err == nil {
			release()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Acquire behind a hanging request = %v", err)
		}
	case <-time.After(10 * time.Second): // a safety net, not a measurement
		t.Error("Acquire behind a hanging request never returned")
	}
	hung()
}

// TestFetchHangingHost: on a host where one source hangs, a healthy source
// on the same host gets its answer before the second of two hanging
// requests ahead of it has timed out: it waited at most one timeout.
func TestFetchHangingHost(t *testing.T) {
	const timeout = time.Second
	entered := make(chan struct{}, 8)
	var finished atomic.Int32 // hanging requests that have ended
	mux := http.NewServeMux()
	mux.HandleFunc("/hangt.xml", func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-r.Context().Done()
	})
	mux.HandleFunc("/gezond.xml", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<rss/>")) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := newFetcher(1<<20, timeout)
	f.Hosts = NewHosts(0)
	ctx := context.Background()
	var wg sync.WaitGroup
	defer wg.Wait()
	hang := func() {
		wg.Go(func() {
			if _, err := f.Fetch(ctx, srv.URL+"/hangt.xml", "", ""); err == nil {
				t.Error("a hanging request succeeded")
			}
			finished.Add(1)
		})
	}
	hang()
	<-entered // the first holds the host's turn
	hang()
	time.Sleep(50 * time.Millisecond) // let the second queue first (ordering, not a measurement)
	if _, err := f.Fetch(ctx, srv.URL+"/gezond.xml", "", ""); err != nil {
		t.Fatalf("healthy source on the hanging host: %v", err)
	}
	if n := finished.Load(); n > 1 {
		t.Errorf("%d hanging requests had timed out before the healthy one was answered, want at most 1", n)
	}
}
