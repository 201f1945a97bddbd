package stage_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
)

const rawSubject = bus.RawSubject + ".politie-midden-nederland"

// newItem builds an item the way ingest does: canonical URL, id from it.
func newItem(t *testing.T, rawURL, title, summary string) item.Item {
	t.Helper()
	u, err := item.Canonical(rawURL, "")
	if err != nil {
		t.Fatal(err)
	}
	return item.Item{
		ID:        item.NewID(u, "politie-midden-nederland", ""),
		Source:    "politie-midden-nederland",
		URL:       u,
		Title:     title,
		Summary:   summary,
		Published: time.Date(2023, 12, 20, 9, 32, 0, 0, time.UTC),
		Language:  "nl",
	}
}

var (
	cijfers = func(t *testing.T) item.Item {
		return newItem(t, "https://www.politie.nl/nieuws/2023/december/20/03-geregistreerde-criminaliteit-stijgt-met-2-procent-in-de-eerste-elf-maanden.html",
			"Geregistreerde criminaliteit stijgt met 2% in de eerste elf maanden",
			"In de eerste tien maanden van 2023 stijgt in Midden-Nederland de totale geregistreerde criminaliteit met 2% ten opzichte van dezelfde periode in 2022.")
	}
	burgernet = func(t *testing.T) item.Item {
		return newItem(t, "https://www.politie.nl/nieuws/2023/december/18/03-werf-jij-al-burgernetdeelnemers-volg-het-voorbeeld-van-utrecht.html",
			"Werf jij al Burgernetdeelnemers? Volg het voorbeeld van (o.a.) Utrecht",
			"Na de landelijke campagne in september is in meerdere gemeenten extra campagne gevoerd, waaronder bijvoorbeeld een de gemeente De Bilt.")
	}
	cybercrime = func(t *testing.T) item.Item {
		return newItem(t, "https://www.politie.nl/nieuws/2023/december/7/03-politie-stelt-les-en-educatiematerialen-cybercrime-voor-scholen-beschikbaar.html",
			"Politie stelt les- en educatiematerialen cybercrime voor scholen beschikbaar",
			"De politie stelt les- en educatiematerialen cybercrime voor scholen beschikbaar.")
	}
)

// classify is a deterministic handler: it tags the item with a theme.
func classify(_ context.Context, it item.Item) ([]item.Item, error) {
	it.Themes = []item.Theme{{ID: "criminaliteitsbeeld", Score: 1, Matched: []string{"geregistreerde criminaliteit"}}}
	it.Districts = []string{"midden-nederland"}
	return []item.Item{it}, nil
}

// start runs st until the test ends (or cancel is called) and returns the
// cancel function and a channel that receives Run's result.
func start(t *testing.T, js jetstream.JetStream, st stage.Stage) (context.CancelFunc, <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- stage.Run(ctx, js, st, slog.New(slog.DiscardHandler))
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("stage.Run did not return after cancel")
		}
	})
	return cancel, done
}

// eventually polls cond until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// messages returns every message stored in stream, oldest first.
func messages(t *testing.T, js jetstream.JetStream, stream string) []*jetstream.RawStreamMsg {
	t.Helper()
	ctx := context.Background()
	s, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []*jetstream.RawStreamMsg
	if info.State.Msgs == 0 {
		return nil
	}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	return msgs
}

func decode(t *testing.T, data []byte) item.Item {
	t.Helper()
	var it item.Item
	if err := json.Unmarshal(data, &it); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return it
}

// settled reports whether the durable consumer name has been handed every
// message of its stream and has none left unacknowledged.
func settled(t *testing.T, js jetstream.JetStream, stream, name string) bool {
	t.Helper()
	ctx := context.Background()
	c, err := js.Consumer(ctx, stream, name)
	if err != nil {
		return false
	}
	info, err := c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	si, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info.NumPending == 0 && info.NumAckPending == 0 && info.AckFloor.Stream == si.State.LastSeq
}

func publish(t *testing.T, js jetstream.JetStream, subject string, it item.Item) {
	t.Helper()
	if err := stage.Publish(context.Background(), js, subject, it); err != nil {
		t.Fatal(err)
	}
}

func TestRunTransformsEachItemExactlyOnce(t *testing.T) {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	ctx := context.Background()

	var calls atomic.Int32
	var noDeadline atomic.Bool
	st := stage.Stage{
		Name: "classify", Stream: bus.RawStream, Subject: bus.ClassifiedSubject,
		Timeout: 5 * time.Second,
		Handler: func(ctx context.Context, it item.Item) ([]item.Item, error) {
			calls.Add(1)
			if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > 5*time.Second {
				noDeadline.Store(true)
			}
			if strings.Contains(it.Title, "cybercrime") {
				return nil, nil // dropped
			}
			return classify(ctx, it)
		},
	}
	start(t, js, st)

	a, b, dropped := cijfers(t), burgernet(t), cybercrime(t)
	// The same version published twice with stage.Publish: the raw stream
	// keeps one copy.
	publish(t, js, rawSubject, a)
	publish(t, js, rawSubject, a)
	// The same bytes published twice without a message id (a redelivery,
	// or a source that publishes twice): the stage sees two messages, but
	// its outputs carry the same message id, so one comes out.
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := js.Publish(ctx, rawSubject, data); err != nil {
			t.Fatal(err)
		}
	}
	publish(t, js, rawSubject, dropped)

	eventually(t, 10*time.Second, "stage to ack every raw message", func() bool {
		return settled(t, js, bus.RawStream, st.Name)
	})
	if got := len(messages(t, js, bus.RawStream)); got != 4 {
		t.Errorf("raw stream holds %d messages, want 4 (a once, b twice, the dropped one)", got)
	}
	if got := calls.Load(); got != 4 {
		t.Errorf("handler called %d times, want 4", got)
	}
	if noDeadline.Load() {
		t.Error("handler context has no deadline within Stage.Timeout")
	}

	out := messages(t, js, bus.ClassifiedStream)
	if len(out) != 2 {
		t.Fatalf("classified stream holds %d messages, want 2 (a and b once each)", len(out))
	}
	want := map[string]item.Item{a.ID: a, b.ID: b}
	for _, m := range out {
		if m.Subject != bus.ClassifiedSubject {
			t.Errorf("output on subject %q, want %q", m.Subject, bus.ClassifiedSubject)
		}
		got := decode(t, m.Data)
		in, ok := want[got.ID]
		if !ok {
			t.Errorf("unexpected output %q (%s)", got.Title, got.ID)
			continue
		}
		delete(want, got.ID)
		if got.Title != in.Title || got.URL != in.URL || !got.Published.Equal(in.Published) {
			t.Errorf("output %s changed fields the handler did not touch: %+v", got.ID, got)
		}
		if len(got.Themes) != 1 || got.Themes[0].ID != "criminaliteitsbeeld" || len(got.Districts) != 1 {
			t.Errorf("output %s not transformed by the handler: themes %v districts %v", got.ID, got.Themes, got.Districts)
		}
		if id := m.Header.Get("Nats-Msg-Id"); !strings.HasPrefix(id, got.ID+".") {
			t.Errorf("output message id %q does not start with the item id %s", id, got.ID)
		}
	}
	if dead := messages(t, js, bus.DeadStream); len(dead) != 0 {
		t.Errorf("%d dead letters, want none", len(dead))
	}
}

func TestPublishMessageID(t *testing.T) {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)

	a := cijfers(t)
	edited := a
	edited.Summary += " Van de 38 gemeenten in de regio Midden-Nederland, is bij acht gemeenten deze stijging 10% of meer geweest."
	reclassified := a
	reclassified.Themes = []item.Theme{{ID: "criminaliteitsbeeld", Score: 0.8, Matched: []string{"cijfers"}}}

	tests := []struct {
		name string
		it   item.Item
		want int // messages on the subject after publishing
	}{
		{"first version", a, 1},
		{"same version again", a, 1},
		{"edited text", edited, 2},
		{"reclassified", reclassified, 3},
		{"edited text again", edited, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			publish(t, js, bus.ClassifiedSubject, tt.it)
			if got := len(messages(t, js, bus.ClassifiedStream)); got != tt.want {
				t.Errorf("classified stream holds %d messages, want %d", got, tt.want)
			}
		})
	}
}

func TestRunRetriesTransientErrors(t *testing.T) {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)

	var calls atomic.Int32
	var delays []time.Duration
	var mu sync.Mutex
	last := time.Now()
	st := stage.Stage{
		Name: "classify", Stream: bus.RawStream, Subject: bus.ClassifiedSubject,
		Handler: func(ctx context.Context, it item.Item) ([]item.Item, error) {
			mu.Lock()
			delays = append(delays, time.Since(last))
			last = time.Now()
			mu.Unlock()
			if calls.Add(1) == 1 {
				return nil, errors.New("gazetteer: kv get: nats: timeout")
			}
			return classify(ctx, it)
		},
	}
	start(t, js, st)
	a := cijfers(t)
	publish(t, js, rawSubject, a)

	eventually(t, 10*time.Second, "the retried item on the classified stream", func() bool {
		return len(messages(t, js, bus.ClassifiedStream)) == 1
	})
	eventually(t, 5*time.Second, "the consumer to settle", func() bool { return settled(t, js, bus.RawStream, st.Name) })
	if got := calls.Load(); got != 2 {
		t.Errorf("handler called %d times, want 2 (one failure, one success)", got)
	}
	mu.Lock()
	if len(delays) == 2 && delays[1] < stage.Backoff(1)-100*time.Millisecond {
		t.Errorf("retry came after %v, want about Backoff(1) = %v", delays[1], stage.Backoff(1))
	}
	mu.Unlock()
	if got := decode(t, messages(t, js, bus.ClassifiedStream)[0].Data); got.ID != a.ID || len(got.Themes) == 0 {
		t.Errorf("output = %+v, want the classified item %s", got, a.ID)
	}
	if dead := messages(t, js, bus.DeadStream); len(dead) != 0 {
		t.Errorf("%d dead letters after a transient error, want none", len(dead))
	}
}

func TestRunDeadLetters(t *testing.T) {
	tests := []struct {
		name       string
		data       func(t *testing.T) []byte
		handler    stage.Handler
		maxDeliver int
		timeout    time.Duration
		wantCalls  int32
		wantErr    string // in the Baken-Error header
		// handlerFails is set when the handler fails every item.
		handlerFails bool
	}{
		{
			name: "permanent error",
			data: func(t *testing.T) []byte { b, _ := json.Marshal(cijfers(t)); return b },
			handler: func(context.Context, item.Item) ([]item.Item, error) {
				return nil, stage.Permanent(errors.New("item has no text to classify"))
			},
			wantCalls:    1,
			wantErr:      "permanent: item has no text to classify",
			handlerFails: true,
		},
		{
			name:      "undecodable json",
			data:      func(*testing.T) []byte { return []byte(`{"id": "7c1e0f3a", "title": "Campagnematerialen`) },
			handler:   classify,
			wantCalls: 0,
			wantErr:   "decode item",
		},
		{
			name:      "not json at all",
			data:      func(*testing.T) []byte { return []byte("<rss><channel><title>Politie.nl</title></channel></rss>") },
			handler:   classify,
			wantCalls: 0,
			wantErr:   "decode item",
		},
		{
			name: "panic",
			data: func(t *testing.T) []byte { b, _ := json.Marshal(cijfers(t)); return b },
			handler: func(_ context.Context, it item.Item) ([]item.Item, error) {
				var places map[string]int
				//lint:ignore SA5000 the handler must panic, as a real bug would
				places[it.Title]++ // assignment to entry in nil map
				return nil, nil
			},
			wantCalls:    1,
			wantErr:      "panic: assignment to entry in nil map",
			handlerFails: true,
		},
		{
			name:         "transient error until MaxDeliver",
			data:         func(t *testing.T) []byte { b, _ := json.Marshal(cijfers(t)); return b },
			handler:      func(context.Context, item.Item) ([]item.Item, error) { return nil, errors.New("connection refused") },
			maxDeliver:   2,
			wantCalls:    2,
			wantErr:      "connection refused",
			handlerFails: true,
		},
		{
			name: "handler times out until MaxDeliver",
			data: func(t *testing.T) []byte { b, _ := json.Marshal(cijfers(t)); return b },
			handler: func(ctx context.Context, _ item.Item) ([]item.Item, error) {
				<-ctx.Done() // a lookup that never answers
				return nil, fmt.Errorf("gazetteer lookup: %w", ctx.Err())
			},
			maxDeliver:   2,
			timeout:      200 * time.Millisecond,
			wantCalls:    2,
			wantErr:      "context deadline exceeded",
			handlerFails: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := natstest.Run(t, "")
			_, js := natstest.Connect(t, s)
			var calls atomic.Int32
			st := stage.Stage{
				Name: "classify", Stream: bus.RawStream, Subject: bus.ClassifiedSubject,
				MaxDeliver: tt.maxDeliver,
				Timeout:    tt.timeout,
				Handler: func(ctx context.Context, it item.Item) ([]item.Item, error) {
					calls.Add(1)
					return tt.handler(ctx, it)
				},
			}
			start(t, js, st)
			data := tt.data(t)
			if _, err := js.Publish(context.Background(), rawSubject, data); err != nil {
				t.Fatal(err)
			}
			eventually(t, 10*time.Second, "a dead letter", func() bool { return len(messages(t, js, bus.DeadStream)) > 0 })
			// Terminated, not waiting for a redelivery.
			eventually(t, 5*time.Second, "the consumer to settle", func() bool { return settled(t, js, bus.RawStream, st.Name) })

			dead := messages(t, js, bus.DeadStream)
			if len(dead) != 1 {
				t.Fatalf("%d dead letters, want 1", len(dead))
			}
			dl := dead[0]
			if want := bus.DeadSubject + ".classify"; dl.Subject != want {
				t.Errorf("dead letter on %q, want %q", dl.Subject, want)
			}
			if string(dl.Data) != string(data) {
				t.Errorf("dead letter data = %q, want the original %q", dl.Data, data)
			}
			if got := dl.Header.Get("Baken-Error"); !strings.Contains(got, tt.wantErr) {
				t.Errorf("Baken-Error = %q, want it to contain %q", got, tt.wantErr)
			}
			if got := dl.Header.Get("Baken-Subject"); got != rawSubject {
				t.Errorf("Baken-Subject = %q, want %q", got, rawSubject)
			}
			if got := calls.Load(); got != tt.wantCalls {
				t.Errorf("handler called %d times, want %d", got, tt.wantCalls)
			}
			if out := messages(t, js, bus.ClassifiedStream); len(out) != 0 {
				t.Errorf("%d outputs for a dead message, want none", len(out))
			}

			if tt.handlerFails {
				return
			}
			// The stage goes on with the next message.
			publish(t, js, rawSubject, burgernet(t))
			eventually(t, 10*time.Second, "the next item to come through", func() bool {
				return len(messages(t, js, bus.ClassifiedStream)) == 1
			})
		})
	}
}

func TestRunSurvivesPanicAndGoesOn(t *testing.T) {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	st := stage.Stage{
		Name: "classify", Stream: bus.RawStream, Subject: bus.ClassifiedSubject,
		Handler: func(ctx context.Context, it item.Item) ([]item.Item, error) {
			if strings.Contains(it.Title, "Burgernet") {
				var themes []item.Theme
				_ = themes[3] // index out of range
			}
			return classify(ctx, it)
		},
	}
	start(t, js, st)
	for _, it := range []item.Item{cijfers(t), burgernet(t), cybercrime(t)} {
		publish(t, js, rawSubject, it)
	}
	eventually(t, 10*time.Second, "the consumer to settle", func() bool { return settled(t, js, bus.RawStream, st.Name) })
	out := messages(t, js, bus.ClassifiedStream)
	if len(out) != 2 {
		t.Fatalf("%d outputs, want 2 (the items before and after the panic)", len(out))
	}
	dead := messages(t, js, bus.DeadStream)
	if len(dead) != 1 {
		t.Fatalf("%d dead letters, want 1", len(dead))
	}
	if got := decode(t, dead[0].Data); got.ID != burgernet(t).ID {
		t.Errorf("dead letter holds %q, want the item that panicked", got.Title)
	}
	if got := dead[0].Header.Get("Baken-Error"); !strings.Contains(got, "index out of range") {
		t.Errorf("Baken-Error = %q, want the panic value", got)
	}
}

func TestRunDrainsInFlightMessagesOnCancel(t *testing.T) {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)

	started := make(chan struct{})
	release := make(chan struct{})
	var ctxErr atomic.Value
	st := stage.Stage{
		Name: "classify", Stream: bus.RawStream, Subject: bus.ClassifiedSubject,
		Handler: func(ctx context.Context, it item.Item) ([]item.Item, error) {
			close(started)
			<-release
			if err := ctx.Err(); err != nil {
				ctxErr.Store(err)
			}
			return classify(ctx, it)
		},
	}
	cancel, done := start(t, js, st)
	publish(t, js, rawSubject, cijfers(t))

	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("handler never started")
	}
	cancel()
	select {
	case err := <-done:
		t.Fatalf("Run returned (%v) while a message was in flight", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v, want nil after a drain", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the in-flight message finished")
	}
	if err := ctxErr.Load(); err != nil {
		t.Errorf("handler context was cancelled by shutdown: %v", err)
	}
	if out := messages(t, js, bus.ClassifiedStream); len(out) != 1 {
		t.Errorf("%d outputs after drain, want 1", len(out))
	}
	eventually(t, 5*time.Second, "the in-flight message to be acked", func() bool {
		return settled(t, js, bus.RawStream, st.Name)
	})
}

func TestRunPublishedHook(t *testing.T) {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	ctx := context.Background()
	classified, err := js.Stream(ctx, bus.ClassifiedStream)
	if err != nil {
		t.Fatal(err)
	}

	var (
		mu        sync.Mutex
		hookCalls [][]string // ids per call
		stored    []bool     // was every output on the stream when the hook ran?
		failOnce  = true
	)
	st := stage.Stage{
		Name: "dedup", Stream: bus.RawStream, Subject: bus.ClassifiedSubject,
		Handler: func(ctx context.Context, it item.Item) ([]item.Item, error) {
			if strings.Contains(it.Title, "cybercrime") {
				return nil, nil
			}
			return classify(ctx, it)
		},
		Published: func(ctx context.Context, outs []item.Item) error {
			mu.Lock()
			defer mu.Unlock()
			var ids []string
			ok := true
			for _, out := range outs {
				ids = append(ids, out.ID)
				m, err := classified.GetLastMsgForSubject(ctx, bus.ClassifiedSubject)
				if err != nil || decode(t, m.Data).ID != out.ID {
					ok = false
				}
			}
			hookCalls = append(hookCalls, ids)
			stored = append(stored, ok)
			if failOnce && len(outs) > 0 && outs[0].ID == burgernet(t).ID {
				failOnce = false
				return errors.New("kv update: wrong last sequence")
			}
			return nil
		},
	}
	start(t, js, st)

	t.Run("runs after the outputs are stored", func(t *testing.T) {
		publish(t, js, rawSubject, cijfers(t))
		eventually(t, 10*time.Second, "the consumer to settle", func() bool { return settled(t, js, bus.RawStream, st.Name) })
		mu.Lock()
		defer mu.Unlock()
		if len(hookCalls) != 1 || len(hookCalls[0]) != 1 || hookCalls[0][0] != cijfers(t).ID {
			t.Fatalf("hook calls = %v, want one call with %s", hookCalls, cijfers(t).ID)
		}
		if !stored[0] {
			t.Error("hook ran before its output was on the classified stream")
		}
	})
	t.Run("not called when the handler drops the item", func(t *testing.T) {
		publish(t, js, rawSubject, cybercrime(t))
		eventually(t, 10*time.Second, "the consumer to settle", func() bool { return settled(t, js, bus.RawStream, st.Name) })
		mu.Lock()
		defer mu.Unlock()
		if len(hookCalls) != 1 {
			t.Errorf("hook called %d times in all, want still 1", len(hookCalls))
		}
	})
	t.Run("an error retries without a second output", func(t *testing.T) {
		before := len(messages(t, js, bus.ClassifiedStream))
		publish(t, js, rawSubject, burgernet(t))
		eventually(t, 10*time.Second, "the retried hook", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(hookCalls) == 3
		})
		eventually(t, 10*time.Second, "the consumer to settle", func() bool { return settled(t, js, bus.RawStream, st.Name) })
		if got := len(messages(t, js, bus.ClassifiedStream)) - before; got != 1 {
			t.Errorf("%d new outputs after a retried hook, want 1", got)
		}
		mu.Lock()
		defer mu.Unlock()
		for i, ok := range stored {
			if !ok {
				t.Errorf("hook call %d ran before its output was stored", i+1)
			}
		}
		if dead := messages(t, js, bus.DeadStream); len(dead) != 0 {
			t.Errorf("%d dead letters, want none", len(dead))
		}
	})
}

func TestPermanent(t *testing.T) {
	cause := fmt.Errorf("classify: %w", errors.ErrUnsupported)
	err := stage.Permanent(cause)
	if !errors.Is(err, stage.ErrPermanent) {
		t.Error("Permanent(err) is not ErrPermanent")
	}
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Error("Permanent(err) lost the cause")
	}
	if errors.Is(cause, stage.ErrPermanent) {
		t.Error("a plain error is ErrPermanent")
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		n    int
		want time.Duration
	}{
		{-1, time.Second},
		{0, time.Second},
		{1, time.Second},
		{2, 2 * time.Second},
		{3, 4 * time.Second},
		{4, 8 * time.Second},
		{8, 128 * time.Second},
		{9, 256 * time.Second},
		{10, 5 * time.Minute},
		{11, 5 * time.Minute},
		{64, 5 * time.Minute},
		{1 << 30, 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			if got := stage.Backoff(tt.n); got != tt.want {
				t.Errorf("Backoff(%d) = %v, want %v", tt.n, got, tt.want)
			}
		})
	}
}

// TestDeadReplicaMessagesRedeliveredSoon: messages a replica took and
// never acked (it died) reach a live replica within about the AckWait of
// 10 s, not the minute and a half of before.
func TestDeadReplicaMessagesRedeliveredSoon(t *testing.T) {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	ctx := context.Background()
	var handled atomic.Int32
	st := stage.Stage{Name: "classify", Stream: bus.RawStream, Subject: bus.ClassifiedSubject,
		Handler: func(ctx context.Context, it item.Item) ([]item.Item, error) { handled.Add(1); return classify(ctx, it) }}
	cancel, done := start(t, js, st) // creates the durable consumer
	eventually(t, 5*time.Second, "the consumer", func() bool { _, err := js.Consumer(ctx, bus.RawStream, "classify"); return err == nil })
	cancel()
	<-done

	// The replica that dies: it pulls the messages and never acks them.
	for _, it := range []item.Item{cijfers(t), burgernet(t), cybercrime(t)} {
		publish(t, js, rawSubject, it)
	}
	cons, err := js.Consumer(ctx, bus.RawStream, "classify")
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(3, jetstream.FetchMaxWait(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	took := 0
	for range batch.Messages() {
		took++
	}
	if took != 3 {
		t.Fatalf("the dying replica took %d messages, want 3", took)
	}
	died := time.Now()
	start(t, js, st) // the live replica
	eventually(t, 20*time.Second, "the dead replica's messages", func() bool { return handled.Load() == 3 })
	took2 := time.Since(died)
	t.Logf("a dead replica's 3 messages handled by another %v after it died (AckWait 10s)", took2.Round(100*time.Millisecond))
	if took2 > 15*time.Second {
		t.Errorf("redelivered after %v, want about the AckWait of 10s", took2)
	}
}

// TestRunStoppedWhileStarting: a stage stopped before its consumer exists
// (the hub stopping while stages wait for the view) stops cleanly.
func TestRunStoppedWhileStarting(t *testing.T) {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st := stage.Stage{Name: "classify", Stream: bus.RawStream, Subject: bus.ClassifiedSubject, Handler: classify}
	if err := stage.Run(ctx, js, st, slog.New(slog.DiscardHandler)); err != nil {
		t.Errorf("Run stopped while starting: %v, want nil", err)
	}
}
