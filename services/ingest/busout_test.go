package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
)

// TestBusOutageIsNotTheSourcesFault: with NATS gone while a source is
// polled, the poll fails as a bus error, the source is not marked failed
// nor backed off, and its new item is published within seconds of the
// server being back.
func TestBusOutageIsNotTheSourcesFault(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dir := t.TempDir()
	start := func() *server.Server {
		s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, JetStream: true, StoreDir: dir, NoSigs: true})
		if err != nil {
			t.Fatal(err)
		}
		s.Start()
		if !s.ReadyForConnections(10 * time.Second) {
			t.Fatal("nats not ready")
		}
		return s
	}
	ns := start()
	log := slog.New(slog.DiscardHandler)
	ctx := context.Background()
	nc, err := bus.Connect(ctx, fmt.Sprintf("nats://127.0.0.1:%d", port), "ingest", config.NATS{}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	if err := bus.Setup(ctx, js, bus.DefaultOptions()); err != nil {
		t.Fatal(err)
	}

	var items atomic.Int32
	items.Store(1)
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		var b strings.Builder
		for i := range int(items.Load()) {
			fmt.Fprintf(&b, `<item><title>Bericht %d</title><link>https://politie.example/%d</link><pubDate>Mon, 18 Dec 2023 09:%02d:00 +0000</pubDate></item>`, i, i, i)
		}
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>Politie</title>%s</channel></rss>`, b.String())
	}))
	defer feed.Close()
	src := config.Source{ID: "politie", Kind: "feed", URL: feed.URL + "/rss", Schedule: "@every 1s", Network: loopback}
	cfg := config.Default()
	cfg.Sources = []config.Source{src}
	cfg.Ingest.Timeout, cfg.Ingest.HostDelay = time.Second, 0
	svc, err := New(ctx, cfg, js, log)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- svc.Run(runCtx) }()
	defer func() { stop(); <-done }()

	rawCount := func() uint64 {
		c, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		st, err := js.Stream(c, bus.RawStream)
		if err != nil {
			return 0
		}
		return st.CachedInfo().State.Msgs
	}
	waitFor := func(what string, within time.Duration, cond func() bool) time.Duration {
		t.Helper()
		begin := time.Now()
		for !cond() {
			if time.Since(begin) > within {
				t.Fatalf("%s: not within %v", what, within)
			}
			time.Sleep(50 * time.Millisecond)
		}
		return time.Since(begin)
	}
	waitFor("the first item", 10*time.Second, func() bool { return rawCount() == 1 })

	// The server goes away for three seconds while the source has news.
	items.Store(2)
	ns.Shutdown()
	ns.WaitForShutdown()
	time.Sleep(3 * time.Second)
	ns = start()
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	recovery := waitFor("the new item after the outage", 20*time.Second, func() bool { return rawCount() == 2 })
	t.Logf("published again %v after the server was back", recovery.Round(10*time.Millisecond))

	st, err := svc.states.Get(ctx, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Failures != 0 || st.LastError != "" || !st.NextAttempt.IsZero() {
		t.Errorf("the source was blamed for the outage: %d failures, %q, next attempt %v", st.Failures, st.LastError, st.NextAttempt)
	}

	// Only the stream is gone (its leader lost, the KV still answering):
	// a failure charged to the source would be stored now, so none may be.
	if err := js.DeleteStream(ctx, bus.RawStream); err != nil {
		t.Fatal(err)
	}
	items.Store(3)
	time.Sleep(3 * time.Second)
	st, err = svc.states.Get(ctx, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Failures != 0 || st.LastError != "" {
		t.Errorf("while the raw stream was gone the source was blamed: %d failures, %q", st.Failures, st.LastError)
	}
	if err := bus.Setup(ctx, js, bus.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	// The new stream is empty: the poll that failed publishes the new item.
	recovery = waitFor("the new item after the stream is back", 20*time.Second, func() bool { return rawCount() == 1 })
	t.Logf("published again %v after the stream was back", recovery.Round(10*time.Millisecond))

	var be *BusError
	if err := onBus(ctx, time.Now(), func(context.Context) error { return fmt.Errorf("x: %w", context.DeadlineExceeded) }); !errors.As(err, &be) {
		t.Errorf("a deadline past its budget is not a BusError: %v", err)
	}
}
