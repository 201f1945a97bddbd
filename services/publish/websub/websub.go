// Package websub is Baken's own WebSub hub (W3C Recommendation, 2018):
// subscribers ask at /websub to be told when a feed changes, prove that
// they asked (the challenge on their callback), and get the new document
// pushed to them, signed with their secret, until their lease runs out.
// Subscriptions live in a JetStream KV bucket, so they survive restarts and
// every publish replica sees them; each update goes to a subscriber once,
// however many replicas run, because the delivery is claimed in KV first.
package websub

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/netguard"
)

// Feeds is what the hub needs of the publisher.
type Feeds interface {
	// Known reports whether topic is the URL of a feed Baken serves.
	Known(topic string) bool
	// Content is topic's current document, its content type and a tag
	// that changes when the document does (the ETag).
	Content(topic string) (body []byte, contentType, tag string, err error)
}

// Options configure the hub.
type Options struct {
	HubURL       string          // this hub's public URL, for Link headers
	DefaultLease time.Duration   // when a subscriber asks for none (10 days)
	MaxLease     time.Duration   // the longest granted (30 days)
	MinLease     time.Duration   // the shortest granted (5 minutes)
	Network      netguard.Policy // where callbacks may be
	Timeout      time.Duration   // per callback request (10 s)
	Attempts     int             // deliveries tried before giving up (6)
	RetryBase    time.Duration   // first retry wait, doubled each time (2 s)
	Poll         time.Duration   // how often topics are checked for changes (1 s)
}

func (o *Options) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.DefaultLease, 10*24*time.Hour)
	def(&o.MaxLease, 30*24*time.Hour)
	def(&o.MinLease, 5*time.Minute)
	def(&o.Timeout, 10*time.Second)
	def(&o.RetryBase, 2*time.Second)
	def(&o.Poll, time.Second)
	if o.Attempts <= 0 {
		o.Attempts = 6
	}
}

// Subscription is one subscriber's lease on one topic.
type Subscription struct {
	Topic    string    `json:"topic"`
	Callback string    `json:"callback"`
	Secret   string    `json:"secret,omitempty"`
	Expires  time.Time `json:"expires"`
	Since    time.Time `json:"since"`
}

// key is the subscription's KV key: one per topic and callback.
func (s Subscription) key() string { return "sub." + digest(s.Topic+"\n"+s.Callback) }

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

// maxVerifying is how many verifications may be in flight at once.
const maxVerifying = 64

// Hub answers subscription requests and pushes updates.
type Hub struct {
	opts   Options
	subs   jetstream.KeyValue // sub.<digest>: Subscription
	claims jetstream.KeyValue // <sub digest>.<tag digest>: delivered (TTL)
	feeds  Feeds
	client *http.Client
	log    *slog.Logger
	now    func() time.Time

	mu   sync.Mutex
	sent map[string]string // topic -> tag last pushed from this replica
	wg   sync.WaitGroup
	// verifying bounds the verifications in flight: each request from
	// outside costs a request to a callback it names.
	verifying chan struct{}
	closing   atomic.Bool // shutting down: no new work
}

// New returns a hub on the subscription and claim buckets.
func New(subs, claims jetstream.KeyValue, feeds Feeds, opts Options, log *slog.Logger) *Hub {
	opts.defaults()
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = opts.Network.DialContext(opts.Timeout)
	t.MaxIdleConnsPerHost, t.IdleConnTimeout = 2, 30*time.Second
	client := &http.Client{
		Timeout:   opts.Timeout,
		Transport: t,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a callback is where it says it is
		},
	}
	return &Hub{opts: opts, subs: subs, claims: claims, feeds: feeds, client: client, log: log.With("component", "websub"), now: time.Now,
		sent: map[string]string{}, verifying: make(chan struct{}, maxVerifying)}
}

// Subscriptions lists the subscriptions in force.
func (h *Hub) Subscriptions(ctx context.Context) ([]Subscription, error) {
	lister, err := h.subs.ListKeysFiltered(ctx, "sub.*")
	if err != nil {
		return nil, err
	}
	var out []Subscription
	for k := range lister.Keys() {
		e, err := h.subs.Get(ctx, k)
		if err != nil {
			continue
		}
		var s Subscription
		if json.Unmarshal(e.Value(), &s) == nil {
			out = append(out, s)
		}
	}
	return out, nil
}

// Run pushes updates of subscribed topics and drops expired leases until
// ctx is done, then waits for deliveries in flight.
func (h *Hub) Run(ctx context.Context) {
	defer h.wg.Wait()
	defer h.closing.Store(true)
	t := time.NewTicker(h.opts.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			h.tick(ctx)
		}
	}
}

// tick looks at every subscribed topic once.
func (h *Hub) tick(ctx context.Context) {
	subs, err := h.Subscriptions(ctx)
	if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
		h.log.Warn("subscriptions not read", "err", err)
		return
	}
	byTopic := map[string][]Subscription{}
	for _, s := range subs {
		if !h.now().Before(s.Expires) {
			h.log.Info("lease expired", "topic", s.Topic, "callback", s.Callback)
			_ = h.subs.Delete(ctx, s.key())
			continue
		}
		byTopic[s.Topic] = append(byTopic[s.Topic], s)
	}
	for topic, list := range byTopic {
		body, ctype, tag, err := h.feeds.Content(topic)
		if err != nil {
			continue
		}
		h.mu.Lock()
		changed := h.sent[topic] != tag
		h.sent[topic] = tag
		h.mu.Unlock()
		if !changed {
			continue
		}
		for _, s := range list {
			h.deliverOnce(ctx, s, body, ctype, tag)
		}
	}
}

// deliverOnce claims the delivery of this version to s, then delivers it:
// of several replicas that see the change, one pushes it.
func (h *Hub) deliverOnce(ctx context.Context, s Subscription, body []byte, ctype, tag string) {
	claim := digest(s.Topic+"\n"+s.Callback) + "." + digest(tag)
	if _, err := h.claims.Create(ctx, claim, []byte(h.now().UTC().Format(time.RFC3339))); err != nil {
		return // another replica has it, or delivered it before a restart
	}
	h.wg.Go(func() { h.deliver(ctx, s, body, ctype) })
}

// deliver POSTs the document to the callback, retrying with exponential
// backoff, and gives up after Attempts or when the hub shuts down. A 410
// Gone ends the subscription.
func (h *Hub) deliver(ctx context.Context, s Subscription, body []byte, ctype string) {
	wait := h.opts.RetryBase
	for attempt := 1; ; attempt++ {
		status, err := h.post(ctx, s, body, ctype)
		switch {
		case err == nil && status/100 == 2:
			h.log.Debug("delivered", "topic", s.Topic, "callback", s.Callback, "attempt", attempt)
			return
		case status == http.StatusGone:
			h.log.Info("subscriber gone, unsubscribed", "topic", s.Topic, "callback", s.Callback)
			_ = h.subs.Delete(ctx, s.key())
			return
		case attempt >= h.opts.Attempts:
			h.log.Warn("delivery given up", "topic", s.Topic, "callback", s.Callback, "attempts", attempt, "status", status, "err", err)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func (h *Hub) post(ctx context.Context, s Subscription, body []byte, ctype string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Callback, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Add("Link", fmt.Sprintf(`<%s>; rel="hub"`, h.opts.HubURL))
	req.Header.Add("Link", fmt.Sprintf(`<%s>; rel="self"`, s.Topic))
	if s.Secret != "" {
		req.Header.Set("X-Hub-Signature", "sha256="+Sign(s.Secret, body))
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Sign is the HMAC-SHA256 of body with secret, in hex: what X-Hub-Signature
// carries after "sha256=".
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}
