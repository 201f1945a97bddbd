package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
)

// pollLog records when each feed of the test hosts was fetched.
type pollLog struct {
	mu   sync.Mutex
	hits map[string][]time.Time
}

func (p *pollLog) count(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.hits[path])
}

// closest is the shortest gap between two fetches of one feed.
func (p *pollLog) closest() (string, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	min, which := time.Hour, ""
	for path, ts := range p.hits {
		for i := 1; i < len(ts); i++ {
			if d := ts[i].Sub(ts[i-1]); d < min {
				min, which = d, path
			}
		}
	}
	return which, min
}

// leaseEnv is four hosts with two feeds each, and a lease bucket whose
// leases lapse after a second.
func leaseEnv(t *testing.T) (*env, *pollLog, []config.Source) {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: bus.LeaseBucket, TTL: time.Second}); err != nil {
		t.Fatal(err)
	}
	log := &pollLog{hits: map[string][]time.Time{}}
	var sources []config.Source
	for h := range 4 {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			log.mu.Lock()
			key := r.Host + r.URL.Path
			log.hits[key] = append(log.hits[key], time.Now())
			log.mu.Unlock()
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<rss version="2.0"><channel><title>Politie %d</title><item><title>Bericht van host %d, %s</title><link>https://politie.example/%d%s</link><pubDate>Mon, 18 Dec 2023 09:00:00 +0000</pubDate></item></channel></rss>`, h, h, r.URL.Path, h, r.URL.Path)
		}))
		t.Cleanup(srv.Close)
		for _, f := range []string{"a", "b"} {
			sources = append(sources, config.Source{ID: fmt.Sprintf("host%d-%s", h, f), Kind: "feed", URL: srv.URL + "/" + f + ".xml", Schedule: "@every 1s", Network: loopback})
		}
	}
	return e, log, sources
}

func (e *env) replica(t *testing.T, sources []config.Source) (*Service, context.CancelFunc, chan struct{}) {
	t.Helper()
	s := e.serviceWith(t, func(c *config.Config) { c.Ingest.Timeout = 2 * time.Second }, sources...)
	s.now = time.Now
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Run(ctx) }()
	return s, cancel, done
}

// TestReplicasShareSources: two ingest replicas split the shards between
// them, each source is polled once a cycle, and when one stops the other
// takes its sources over.
func TestReplicasShareSources(t *testing.T) {
	e, polls, sources := leaseEnv(t)
	a, stopA, doneA := e.replica(t, sources)
	b, stopB, doneB := e.replica(t, sources)
	defer func() { stopB(); <-doneB }()
	time.Sleep(3500 * time.Millisecond)

	a.leases.mu.Lock()
	b.leases.mu.Lock()
	for shard := range a.leases.owned {
		if _, both := b.leases.owned[shard]; both {
			t.Errorf("shard %d held by both replicas", shard)
		}
	}
	heldA, heldB := len(a.leases.owned), len(b.leases.owned)
	a.leases.mu.Unlock()
	b.leases.mu.Unlock()
	if heldA+heldB != leaseShards || heldA == 0 || heldB == 0 {
		t.Errorf("shards held: %d and %d, want all %d shared", heldA, heldB, leaseShards)
	}
	for _, src := range sources {
		path := strings.TrimPrefix(src.URL, "http://")
		if n := polls.count(path); n < 2 || n > 5 {
			t.Errorf("%s polled %d times in 3.5s at @every 1s", src.ID, n)
		}
	}
	if which, gap := polls.closest(); gap < 700*time.Millisecond {
		t.Errorf("%s polled twice within %v: twice in one cycle", which, gap)
	}

	// A stops: B holds everything within a renewal and polls A's sources.
	stopA()
	<-doneA
	before := map[string]int{}
	for _, src := range sources {
		before[src.ID] = polls.count(strings.TrimPrefix(src.URL, "http://"))
	}
	time.Sleep(2500 * time.Millisecond)
	if b.leases.Held() != leaseShards {
		t.Errorf("after A stopped B holds %d shards, want %d", b.leases.Held(), leaseShards)
	}
	for _, src := range sources {
		if polls.count(strings.TrimPrefix(src.URL, "http://")) <= before[src.ID] {
			t.Errorf("%s not polled after A stopped", src.ID)
		}
	}
}

// TestDeadReplicaIsTakenOver: a replica that dies holding every shard
// (it never renews, never releases) loses them when its leases lapse, and
// a live replica polls its sources within a lease period and a renewal.
func TestDeadReplicaIsTakenOver(t *testing.T) {
	e, polls, sources := leaseEnv(t)
	ctx := context.Background()
	kv, err := e.js.KeyValue(ctx, bus.LeaseBucket)
	if err != nil {
		t.Fatal(err)
	}
	dead, err := NewLeases(ctx, kv, "dood", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := dead.Renew(ctx); err != nil || dead.Held() != leaseShards {
		t.Fatalf("the replica to die holds %d shards: %v", dead.Held(), err)
	}
	start := time.Now()
	_, stop, done := e.replica(t, sources)
	defer func() { stop(); <-done }()
	var took time.Duration
	for deadline := start.Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		all := true
		for _, src := range sources {
			if polls.count(strings.TrimPrefix(src.URL, "http://")) == 0 {
				all = false
			}
		}
		if all {
			took = time.Since(start)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the dead replica's sources were not taken over within 5s")
		}
	}
	// A lease lasts 1s and is looked at every third of that; the first poll
	// follows on the next tick of @every 1s.
	t.Logf("dead replica's sources taken over after %v (lease 1s)", took.Round(10*time.Millisecond))
	if took > 3*time.Second {
		t.Errorf("take-over took %v, want within a lease period, a renewal and a tick", took)
	}
}
