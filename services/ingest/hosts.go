package ingest

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Hosts keeps Baken polite per host: one request at a time, at least a
// delay apart (longer when robots.txt asks for a Crawl-delay), and none
// while the host has asked to be left alone with Retry-After.
type Hosts struct {
	delay time.Duration
	now   func() time.Time
	mu    sync.Mutex
	hosts map[string]*host
}

type host struct {
	turn  chan struct{} // holds a token while a request is out
	last  time.Time     // when the last request finished
	delay time.Duration // Crawl-delay, when longer than the default
	until time.Time     // Retry-After: no requests before
}

// NewHosts returns the politeness gate with a least delay between two
// requests to a host.
func NewHosts(delay time.Duration) *Hosts {
	return &Hosts{delay: delay, now: time.Now, hosts: map[string]*host{}}
}

// HostBusyError is returned instead of waiting when a host asked to be left
// alone for longer than the caller may wait.
type HostBusyError struct {
	Host  string
	Until time.Time
}

func (e *HostBusyError) Error() string {
	return fmt.Sprintf("host %s asked to wait until %s", e.Host, e.Until.UTC().Format(time.RFC3339))
}

func (h *Hosts) get(name string) *host {
	h.mu.Lock()
	defer h.mu.Unlock()
	g, ok := h.hosts[name]
	if !ok {
		g = &host{turn: make(chan struct{}, 1)}
		h.hosts[name] = g
	}
	return g
}

// Acquire waits for name's turn (host[:port]) and returns the function that
// ends it. It waits at most maxWait for a Retry-After to pass, and returns a
// *HostBusyError rather than wait longer.
func (h *Hosts) Acquire(ctx context.Context, name string, maxWait time.Duration) (release func(), err error) {
	g := h.get(name)
	select {
	case g.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	release = func() {
		h.mu.Lock()
		g.last = h.now()
		h.mu.Unlock()
		<-g.turn
	}
	h.mu.Lock()
	now := h.now()
	start := g.last.Add(max(h.delay, g.delay))
	until := g.until
	h.mu.Unlock()
	if until.Sub(now) > maxWait {
		<-g.turn
		return nil, &HostBusyError{Host: name, Until: until}
	}
	if until.After(start) {
		start = until
	}
	if wait := start.Sub(now); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			<-g.turn
			return nil, ctx.Err()
		}
	}
	return release, nil
}

// Defer keeps requests to name back until until (a Retry-After).
func (h *Hosts) Defer(name string, until time.Time) {
	g := h.get(name)
	h.mu.Lock()
	defer h.mu.Unlock()
	if until.After(g.until) {
		g.until = until
	}
}

// SetDelay sets name's least delay, when longer than the default (robots.txt
// Crawl-delay).
func (h *Hosts) SetDelay(name string, d time.Duration) {
	g := h.get(name)
	h.mu.Lock()
	defer h.mu.Unlock()
	g.delay = d
}
