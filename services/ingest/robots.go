package ingest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// ErrDisallowed is returned for a page that robots.txt keeps Baken from.
var ErrDisallowed = errors.New("disallowed by robots.txt")

// robotsTTL is how long a robots.txt is trusted (RFC 9309 asks for at most
// a day).
const robotsTTL = 24 * time.Hour

// Robots answers whether Baken may fetch a page, reading each host's
// robots.txt once a day through the Fetcher (so politely, and capped).
type Robots struct {
	fetcher *Fetcher
	agent   string // the product token matched against User-agent lines
	now     func() time.Time
	mu      sync.Mutex
	cache   map[string]robotsEntry
}

type robotsEntry struct {
	group   *robotstxt.Group
	fetched time.Time
}

// NewRobots returns a robots.txt cache for the product token of userAgent
// ("Baken" of "Baken/1.0 (...)").
func NewRobots(f *Fetcher, userAgent string) *Robots {
	agent, _, _ := strings.Cut(userAgent, "/")
	return &Robots{fetcher: f, agent: strings.TrimSpace(agent), now: time.Now, cache: map[string]robotsEntry{}}
}

// Check returns nil when page may be fetched, an error wrapping
// ErrDisallowed when robots.txt says no, or the error that kept robots.txt
// from being read. A Crawl-delay is passed on to the host gate.
func (r *Robots) Check(ctx context.Context, page string) error {
	u, err := url.Parse(page)
	if err != nil {
		return err
	}
	g, err := r.group(ctx, u)
	if err != nil {
		return fmt.Errorf("robots.txt of %s: %w", u.Host, err)
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if !g.Test(path) {
		return fmt.Errorf("%s: %w for %s", page, ErrDisallowed, r.agent)
	}
	return nil
}

func (r *Robots) group(ctx context.Context, u *url.URL) (*robotstxt.Group, error) {
	key := u.Scheme + "://" + u.Host
	r.mu.Lock()
	e, ok := r.cache[key]
	r.mu.Unlock()
	if ok && r.now().Sub(e.fetched) < robotsTTL {
		return e.group, nil
	}
	data, err := r.fetch(ctx, key+"/robots.txt")
	if err != nil {
		return nil, err
	}
	g := data.FindGroup(r.agent)
	if g.CrawlDelay > 0 && r.fetcher.Hosts != nil {
		r.fetcher.Hosts.SetDelay(u.Host, min(g.CrawlDelay, time.Minute))
	}
	r.mu.Lock()
	r.cache[key] = robotsEntry{group: g, fetched: r.now()}
	r.mu.Unlock()
	return g, nil
}

// fetch reads a robots.txt. A missing one (4xx) allows everything; a
// failing server (5xx, 429) allows nothing for now, as RFC 9309 says: its
// error goes back to the poll, which retries later.
func (r *Robots) fetch(ctx context.Context, robotsURL string) (*robotstxt.RobotsData, error) {
	resp, err := r.fetcher.Fetch(ctx, robotsURL, "", "")
	var he *HTTPError
	switch {
	case errors.As(err, &he) && he.Status >= 400 && he.Status < 500 && he.Status != http.StatusTooManyRequests:
		return robotstxt.FromStatusAndBytes(he.Status, nil)
	case err != nil:
		return nil, err
	}
	return robotstxt.FromStatusAndBytes(http.StatusOK, resp.Body)
}
