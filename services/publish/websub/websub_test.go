package websub

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/netguard"
)

const topic = "https://baken.example.nl/feeds/themes/ondermijning.atom"

// feeds is a publisher with one feed whose document the test changes.
type feeds struct {
	mu  sync.Mutex
	doc string
}

func (f *feeds) Known(t string) bool { return t == topic }
func (f *feeds) Content(string) ([]byte, string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return []byte(f.doc), "application/atom+xml; charset=utf-8", digest(f.doc), nil
}
func (f *feeds) set(doc string) { f.mu.Lock(); f.doc = doc; f.mu.Unlock() }

// subscriber is a WebSub subscriber on loopback: it answers the challenge
// (unless told not to) and records what it is sent.
type subscriber struct {
	srv       *httptest.Server
	mu        sync.Mutex
	answer    bool // echo the challenge
	status    int  // status for deliveries (default 200)
	verified  []url.Values
	denied    []url.Values
	delivered []*http.Request
	bodies    []string
}

func newSubscriber(t *testing.T) *subscriber {
	s := &subscriber{answer: true}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.Method == http.MethodGet {
			q := r.URL.Query()
			if q.Get("hub.mode") == "denied" {
				s.denied = append(s.denied, q)
				return
			}
			s.verified = append(s.verified, q)
			if s.answer {
				fmt.Fprint(w, q.Get("hub.challenge"))
			} else {
				fmt.Fprint(w, "wat?")
			}
			return
		}
		b, _ := io.ReadAll(r.Body)
		s.delivered = append(s.delivered, r)
		s.bodies = append(s.bodies, string(b))
		if s.status != 0 {
			w.WriteHeader(s.status)
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *subscriber) counts() (verified, denied, delivered int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.verified), len(s.denied), len(s.delivered)
}

type env struct {
	subs, claims jetstream.KeyValue
	feeds        *feeds
}

func newEnv(t *testing.T) *env {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	ctx := context.Background()
	subs, err := js.KeyValue(ctx, bus.WebSubBucket)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := js.KeyValue(ctx, bus.WebSubClaimsBucket)
	if err != nil {
		t.Fatal(err)
	}
	return &env{subs: subs, claims: claims, feeds: &feeds{doc: "<feed>v1</feed>"}}
}

// hub runs a hub replica until the test ends; its HTTP endpoint is returned.
func (e *env) hub(t *testing.T, tweak func(*Options)) (*Hub, string) {
	o := Options{HubURL: "https://baken.example.nl/websub", Network: netguard.Policy{AllowPrivate: true},
		Poll: 50 * time.Millisecond, RetryBase: 20 * time.Millisecond, Attempts: 3, Timeout: 2 * time.Second}
	if tweak != nil {
		tweak(&o)
	}
	h := New(e.subs, e.claims, e.feeds, o, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); cancel(); <-done; h.Wait() })
	return h, srv.URL
}

func request(t *testing.T, hubURL string, form url.Values) int {
	t.Helper()
	resp, err := http.PostForm(hubURL, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func subscribe(callback, secret, lease string) url.Values {
	v := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {callback}}
	if secret != "" {
		v.Set("hub.secret", secret)
	}
	if lease != "" {
		v.Set("hub.lease_seconds", lease)
	}
	return v
}

// TestSubscribeVerifyDeliver: a subscription is verified with a challenge,
// then every change of the feed is pushed, signed, with its Link headers;
// a subscriber checking with another secret sees a wrong signature.
func TestSubscribeVerifyDeliver(t *testing.T) {
	e := newEnv(t)
	h, hubURL := e.hub(t, nil)
	sub := newSubscriber(t)
	if code := request(t, hubURL, subscribe(sub.srv.URL+"/cb?id=7", "geheim", "3600")); code != http.StatusAccepted {
		t.Fatalf("subscribe: %d, want 202", code)
	}
	eventually(t, "the subscription", func() bool { s, _ := h.Subscriptions(context.Background()); return len(s) == 1 })
	sub.mu.Lock()
	q := sub.verified[0]
	sub.mu.Unlock()
	if q.Get("hub.mode") != "subscribe" || q.Get("hub.topic") != topic || q.Get("hub.lease_seconds") != "3600" || q.Get("id") != "7" {
		t.Errorf("verification query %v", q)
	}
	eventually(t, "the first push", func() bool { _, _, n := sub.counts(); return n == 1 })
	e.feeds.set("<feed>v2</feed>")
	eventually(t, "the update", func() bool { _, _, n := sub.counts(); return n == 2 })
	time.Sleep(200 * time.Millisecond) // no change: nothing more
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if len(sub.delivered) != 2 || sub.bodies[1] != "<feed>v2</feed>" {
		t.Fatalf("deliveries %d, last %q", len(sub.delivered), sub.bodies[len(sub.bodies)-1])
	}
	r := sub.delivered[1]
	if ct := r.Header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	links := strings.Join(r.Header.Values("Link"), ", ")
	if !strings.Contains(links, `<https://baken.example.nl/websub>; rel="hub"`) || !strings.Contains(links, `<`+topic+`>; rel="self"`) {
		t.Errorf("Link headers %q", links)
	}
	sig := r.Header.Get("X-Hub-Signature")
	if sig != "sha256="+Sign("geheim", []byte(sub.bodies[1])) {
		t.Errorf("signature %q does not match the secret", sig)
	}
	if sig == "sha256="+Sign("ander-geheim", []byte(sub.bodies[1])) {
		t.Error("a subscriber with another secret would accept the push")
	}
}

func TestUnansweredChallengeAndDenial(t *testing.T) {
	e := newEnv(t)
	h, hubURL := e.hub(t, nil)
	silent := newSubscriber(t)
	silent.answer = false
	request(t, hubURL, subscribe(silent.srv.URL, "", ""))
	eventually(t, "the challenge", func() bool { v, _, _ := silent.counts(); return v == 1 })
	unknown := newSubscriber(t)
	form := subscribe(unknown.srv.URL, "", "")
	form.Set("hub.topic", "https://baken.example.nl/feeds/themes/ufo.atom")
	request(t, hubURL, form)
	eventually(t, "the denial", func() bool { _, d, _ := unknown.counts(); return d == 1 })
	h.Wait()
	if s, _ := h.Subscriptions(context.Background()); len(s) != 0 {
		t.Errorf("subscriptions %v, want none", s)
	}
	time.Sleep(200 * time.Millisecond)
	if _, _, n := silent.counts(); n != 0 {
		t.Errorf("%d pushes to an unverified callback", n)
	}
	for _, bad := range []url.Values{
		{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {"javascript:alert(1)"}},
		{"hub.mode": {"publish"}, "hub.topic": {topic}, "hub.callback": {silent.srv.URL}},
		{"hub.mode": {"subscribe"}, "hub.callback": {silent.srv.URL}},
		subscribe(silent.srv.URL, strings.Repeat("x", 201), ""),
	} {
		if code := request(t, hubURL, bad); code != http.StatusBadRequest {
			t.Errorf("%v: %d, want 400", bad, code)
		}
	}
}

// TestLeaseExpiresAndUnsubscribe: a lease that runs out ends the pushes;
// an unsubscription, verified, ends them too.
func TestLeaseExpiresAndUnsubscribe(t *testing.T) {
	e := newEnv(t)
	h, hubURL := e.hub(t, func(o *Options) { o.MinLease = time.Second })
	short := newSubscriber(t)
	request(t, hubURL, subscribe(short.srv.URL, "", "1"))
	eventually(t, "the first push", func() bool { _, _, n := short.counts(); return n == 1 })
	time.Sleep(1200 * time.Millisecond)
	e.feeds.set("<feed>na de lease</feed>")
	eventually(t, "the expired lease gone", func() bool { s, _ := h.Subscriptions(context.Background()); return len(s) == 0 })
	time.Sleep(200 * time.Millisecond)
	if _, _, n := short.counts(); n != 1 {
		t.Errorf("%d pushes, want none after the lease", n)
	}

	sub := newSubscriber(t)
	request(t, hubURL, subscribe(sub.srv.URL, "", ""))
	eventually(t, "the subscription", func() bool { s, _ := h.Subscriptions(context.Background()); return len(s) == 1 })
	form := subscribe(sub.srv.URL, "", "")
	form.Set("hub.mode", "unsubscribe")
	request(t, hubURL, form)
	eventually(t, "the unsubscription", func() bool { s, _ := h.Subscriptions(context.Background()); return len(s) == 0 })
}

// TestTwoReplicasDeliverOnce: two hub replicas on one bucket push each
// update to a subscriber once.
func TestTwoReplicasDeliverOnce(t *testing.T) {
	e := newEnv(t)
	_, hubURL := e.hub(t, nil)
	e.hub(t, nil)
	sub := newSubscriber(t)
	request(t, hubURL, subscribe(sub.srv.URL, "", ""))
	eventually(t, "the first push", func() bool { _, _, n := sub.counts(); return n == 1 })
	for i := range 5 {
		e.feeds.set(fmt.Sprintf("<feed>v%d</feed>", i+2))
		eventually(t, "the update", func() bool { _, _, n := sub.counts(); return n == i+2 })
	}
	time.Sleep(300 * time.Millisecond)
	if _, _, n := sub.counts(); n != 6 {
		t.Errorf("%d pushes for 6 versions, want 6", n)
	}
}

// TestFailingCallbackRetriedThenGivenUp and a callback at a private
// address refused without the allowance.
func TestFailingCallbackRetriedThenGivenUp(t *testing.T) {
	e := newEnv(t)
	_, hubURL := e.hub(t, nil)
	sub := newSubscriber(t)
	sub.status = http.StatusServiceUnavailable
	request(t, hubURL, subscribe(sub.srv.URL, "", ""))
	eventually(t, "three attempts", func() bool { _, _, n := sub.counts(); return n == 3 })
	time.Sleep(300 * time.Millisecond)
	if _, _, n := sub.counts(); n != 3 {
		t.Errorf("%d attempts, want 3 then none", n)
	}

	closed := newEnv(t)
	h, closedURL := closed.hub(t, func(o *Options) { o.Network = netguard.Policy{} })
	private := newSubscriber(t)
	request(t, closedURL, subscribe(private.srv.URL, "", ""))
	h.Wait()
	time.Sleep(200 * time.Millisecond)
	if v, _, d := private.counts(); v != 0 || d != 0 {
		t.Errorf("a loopback callback was called (%d verifications, %d pushes) without allow_private", v, d)
	}
}
