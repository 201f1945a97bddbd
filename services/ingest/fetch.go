package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/netguard"
)

// Response is the outcome of one conditional GET.
type Response struct {
	NotModified  bool
	Body         []byte
	ETag         string
	LastModified string
	URL          string // after redirects
	ContentType  string
}

// HTTPError is a response with a status that is neither 2xx nor 304.
type HTTPError struct {
	Status     int
	RetryAfter time.Duration // from the Retry-After header, 0 when absent
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("http status %d %s", e.Status, http.StatusText(e.Status))
}

// ErrTooLarge is returned for bodies over the configured cap.
var ErrTooLarge = errors.New("response body too large")

// Fetcher performs conditional GETs with a size cap, a time limit and a
// User-Agent, one at a time per host when Hosts is set. It connects only to
// the addresses the source's network policy allows (see pkg/netguard).
type Fetcher struct {
	UserAgent string
	MaxBytes  int64
	Timeout   time.Duration
	Hosts     *Hosts // optional politeness gate

	network config.Ingest   // whose allowances a source's add to
	policy  netguard.Policy // the ingest section's alone
	proxy   *url.URL
	mu      sync.Mutex
	clients map[string]*http.Client // one per policy, so no connection is shared across policies
}

// NewFetcher returns the Fetcher cfg describes: size cap, time limit,
// User-Agent, proxy, network policy and the per-host politeness gate.
func NewFetcher(cfg config.Ingest) (*Fetcher, error) {
	f := &Fetcher{UserAgent: cfg.UserAgent, MaxBytes: cfg.MaxBytes, Timeout: cfg.Timeout, Hosts: NewHosts(cfg.HostDelay), network: cfg, clients: map[string]*http.Client{}}
	var err error
	if f.policy, err = cfg.Policy(config.Source{}); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	if cfg.Proxy != "" {
		if f.proxy, err = url.Parse(cfg.Proxy); err != nil {
			return nil, fmt.Errorf("ingest: proxy: %w", err)
		}
	}
	return f, nil
}

// maxRedirects stops redirect loops early with a clear error.
const maxRedirects = 5

// client returns the HTTP client for policy p. Without a proxy its dialer
// checks every address it connects to, after DNS resolution; with one,
// the dialer reaches only the proxy (configured by the operator, so
// allowed) and each URL's host is checked before the request.
func (f *Fetcher) client(p netguard.Policy) *http.Client {
	key := fmt.Sprint(p.AllowPrivate, p.Allow)
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.clients[key]; ok {
		return c
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = p.DialContext(f.Timeout)
	if f.proxy != nil {
		t.Proxy = http.ProxyURL(f.proxy)
		t.DialContext = netguard.Policy{AllowPrivate: true}.DialContext(f.Timeout)
	}
	c := &http.Client{
		Transport: t,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("stopped after %d redirects (loop?) at %s", len(via), req.URL)
			}
			return f.checkHost(p, req.URL)
		},
	}
	f.clients[key] = c
	return c
}

// checkHost is the check before a request when a proxy does the dialling.
func (f *Fetcher) checkHost(p netguard.Policy, u *url.URL) error {
	if f.proxy == nil {
		return nil // the dialer checks
	}
	return p.CheckHost(u.Hostname())
}

type policyKey struct{}

// WithSource marks ctx as fetching for src: its network allowances add to
// the ingest section's for every request made with ctx (the page, its
// redirects, robots.txt and followed article links).
func WithSource(ctx context.Context, src config.Source) context.Context {
	return context.WithValue(ctx, policyKey{}, src)
}

// policyFor is the policy of the source ctx fetches for.
func (f *Fetcher) policyFor(ctx context.Context) netguard.Policy {
	src, _ := ctx.Value(policyKey{}).(config.Source)
	p, err := f.network.Policy(src)
	if err != nil { // validated at start; refuse what cannot be read
		return f.policy
	}
	return p
}

// Fetch GETs url, sending the validators of the previous response. With
// Hosts set it first waits for the host's turn; the time limit applies to
// the request itself.
func (f *Fetcher) Fetch(ctx context.Context, url, etag, lastModified string) (*Response, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	policy := f.policyFor(ctx)
	if err := f.checkHost(policy, req.URL); err != nil {
		return nil, err
	}
	if f.Hosts != nil {
		release, err := f.Hosts.Acquire(ctx, req.URL.Host, f.Timeout)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	ctx, cancel := context.WithTimeout(ctx, f.Timeout)
	defer cancel()
	req = req.WithContext(ctx)
	req.Header.Set("User-Agent", f.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	resp, err := f.client(policy).Do(req)
	if err != nil {
		var refused *netguard.RefusedError
		if errors.As(err, &refused) {
			return nil, fmt.Errorf("%s: %w", req.URL.Redacted(), refused)
		}
		return nil, err
	}
	defer resp.Body.Close()
	r, err := f.read(resp)
	var he *HTTPError
	if f.Hosts != nil && errors.As(err, &he) && he.RetryAfter > 0 {
		f.Hosts.Defer(req.URL.Host, time.Now().Add(he.RetryAfter))
	}
	if f.Hosts != nil && err == nil {
		f.Hosts.Lift(req.URL.Host) // the host answers again: its hold ends
	}
	return r, err
}

func (f *Fetcher) read(resp *http.Response) (*Response, error) {
	r := &Response{
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		URL:          resp.Request.URL.String(),
		ContentType:  resp.Header.Get("Content-Type"),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		r.NotModified = true
		return r, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, &HTTPError{Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > f.MaxBytes {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, f.MaxBytes)
	}
	r.Body = body
	return r, nil
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
		return time.Duration(min(s, 1<<32)) * time.Second // no overflow; max_backoff caps it
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
