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
	// MaxHold bounds a hold from Retry-After (ingest.max_backoff); 0: none.
	MaxHold time.Duration
	now     func() time.Time
	mu      sync.Mutex
	hosts   map[string]*host
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
//
// maxWait is also the request timeout: a request ahead that hangs holds the
// turn until it times out, but a caller that has waited for the turn that
// long (plus the host's delay) goes ahead anyway. So a host where one
// source hangs delays its other sources by at most one request timeout,
// however many requests hang before them.
func (h *Hosts) Acquire(ctx context.Context, name string, maxWait time.Duration) (release func(), err error) {
	g := h.get(name)
	holds := true
	var overtake <-chan time.Time
	if maxWait > 0 {
		h.mu.Lock()
		t := time.NewTimer(maxWait + max(h.delay, g.delay))
		h.mu.Unlock()
		defer t.Stop()
		overtake = t.C
	}
	select {
	case g.turn <- struct{}{}:
	case <-overtake:
		holds = false // the request ahead hangs: go, without the turn
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	free := func() {
		if holds {
			<-g.turn
		}
	}
	release = func() {
		h.mu.Lock()
		g.last = h.now()
		h.mu.Unlock()
		free()
	}
	h.mu.Lock()
	now := h.now()
	start := g.last.Add(max(h.delay, g.delay))
	until := g.until
	h.mu.Unlock()
	if until.Sub(now) > maxWait {
		free()
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
			free()
			return nil, ctx.Err()
		}
	}
	return release, nil
}

// Defer keeps requests to name back until until (a Retry-After), at most
// MaxHold from now.
func (h *Hosts) Defer(name string, until time.Time) {
	g := h.get(name)
	h.mu.Lock()
	defer h.mu.Unlock()
	if limit := h.now().Add(h.MaxHold); h.MaxHold > 0 && until.After(limit) {
		until = limit
	}
	if until.After(g.until) {
		g.until = until
	}
}

// Lift ends a hold on name: the host answered a request successfully.
func (h *Hosts) Lift(name string) {
	g := h.get(name)
	h.mu.Lock()
	defer h.mu.Unlock()
	g.until = time.Time{}
}

// SetDelay sets name's least delay, when longer than the default (robots.txt
// Crawl-delay).
func (h *Hosts) SetDelay(name string, d time.Duration) {
	g := h.get(name)
	h.mu.Lock()
	defer h.mu.Unlock()
	g.delay = d
}
