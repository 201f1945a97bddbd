package websub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// maxSecret is the longest hub.secret accepted (the spec's 200 bytes).
const maxSecret = 200

// ServeHTTP answers subscription requests (POST, form-encoded, as the
// WebSub spec has it): 202 Accepted, then the intent is verified on the
// callback, asynchronously; a request that cannot be valid gets 400.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "WebSub hub: POST hub.mode, hub.topic and hub.callback", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "hub: "+err.Error(), http.StatusBadRequest)
		return
	}
	mode, topic, callback := r.PostForm.Get("hub.mode"), r.PostForm.Get("hub.topic"), r.PostForm.Get("hub.callback")
	if mode != "subscribe" && mode != "unsubscribe" {
		http.Error(w, `hub.mode: want "subscribe" or "unsubscribe"`, http.StatusBadRequest)
		return
	}
	cb, err := url.Parse(callback)
	if err != nil || (cb.Scheme != "http" && cb.Scheme != "https") || cb.Host == "" {
		http.Error(w, "hub.callback: want an absolute http(s) URL", http.StatusBadRequest)
		return
	}
	if topic == "" {
		http.Error(w, "hub.topic: required", http.StatusBadRequest)
		return
	}
	secret := r.PostForm.Get("hub.secret")
	if len(secret) > maxSecret {
		http.Error(w, "hub.secret: at most 200 bytes", http.StatusBadRequest)
		return
	}
	s := Subscription{Topic: topic, Callback: callback, Secret: secret, Since: h.now().UTC()}
	lease := h.lease(r.PostForm.Get("hub.lease_seconds"))
	select {
	case h.verifying <- struct{}{}:
	default:
		http.Error(w, "hub busy, try again later", http.StatusServiceUnavailable)
		return
	}
	if h.closing.Load() {
		<-h.verifying
		http.Error(w, "hub shutting down", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 2*h.opts.Timeout)
	h.wg.Go(func() {
		defer func() { <-h.verifying; cancel() }()
		if !h.feeds.Known(topic) {
			h.deny(ctx, s, "unknown topic: not a feed of this hub")
			return
		}
		h.verify(ctx, s, mode, lease)
	})
}

// lease is the lease granted for a requested number of seconds.
func (h *Hub) lease(asked string) time.Duration {
	secs, err := strconv.Atoi(asked)
	if err != nil || secs <= 0 {
		return h.opts.DefaultLease
	}
	return min(max(time.Duration(secs)*time.Second, h.opts.MinLease), h.opts.MaxLease)
}

// verify asks the callback to echo a challenge; only then is the
// subscription stored (or removed).
func (h *Hub) verify(ctx context.Context, s Subscription, mode string, lease time.Duration) {
	challenge := strconv.FormatUint(rand.Uint64(), 36) + strconv.FormatUint(rand.Uint64(), 36)
	q := url.Values{"hub.mode": {mode}, "hub.topic": {s.Topic}, "hub.challenge": {challenge}}
	if mode == "subscribe" {
		q.Set("hub.lease_seconds", strconv.Itoa(int(lease.Seconds())))
	}
	body, status, err := h.get(ctx, s.Callback, q)
	if err != nil || status/100 != 2 || string(body) != challenge {
		h.log.Info("intent not verified", "mode", mode, "topic", s.Topic, "callback", s.Callback, "status", status, "err", err)
		return
	}
	if mode == "unsubscribe" {
		_ = h.subs.Delete(ctx, s.key())
		h.log.Info("unsubscribed", "topic", s.Topic, "callback", s.Callback)
		return
	}
	s.Expires = h.now().UTC().Add(lease)
	data, _ := json.Marshal(s)
	if _, err := h.subs.Put(ctx, s.key(), data); err != nil {
		h.log.Warn("subscription not stored", "topic", s.Topic, "err", err)
		return
	}
	h.log.Info("subscribed", "topic", s.Topic, "callback", s.Callback, "expires", s.Expires)
}

// deny tells the callback that its subscription is refused.
func (h *Hub) deny(ctx context.Context, s Subscription, reason string) {
	q := url.Values{"hub.mode": {"denied"}, "hub.topic": {s.Topic}, "hub.reason": {reason}}
	_, _, _ = h.get(ctx, s.Callback, q)
}

// get calls the callback with q added to its query.
func (h *Hub) get(ctx context.Context, callback string, q url.Values) ([]byte, int, error) {
	u, err := url.Parse(callback)
	if err != nil {
		return nil, 0, err
	}
	all := u.Query()
	for k, v := range q {
		all[k] = v
	}
	u.RawQuery = all.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, 0, err
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("callback: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	return bytes.TrimSpace(body), resp.StatusCode, err
}

// Wait waits for verifications and deliveries in flight (tests, shutdown).
func (h *Hub) Wait() { h.wg.Wait() }
