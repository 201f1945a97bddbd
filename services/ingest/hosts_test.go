package ingest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestHostsOneAtATime: requests to one host never overlap and start at
// least the delay apart; another host is not held up.
func TestHostsOneAtATime(t *testing.T) {
	const delay = 50 * time.Millisecond
	h := NewHosts(delay)
	var active, most atomic.Int32
	var mu sync.Mutex
	var starts []time.Time
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			release, err := h.Acquire(context.Background(), "www.nctv.nl", time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			n := active.Add(1)
			if n > most.Load() {
				most.Store(n)
			}
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
			time.Sleep(10 * time.Millisecond)
			active.Add(-1)
			release()
		})
	}
	// Meanwhile another host answers at once.
	t0 := time.Now()
	release, err := h.Acquire(context.Background(), "www.veiligheidscoalitie.nl", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if d := time.Since(t0); d > 20*time.Millisecond {
		t.Errorf("another host waited %v", d)
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Errorf("%d requests to one host at once, want 1", most.Load())
	}
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < delay {
			t.Errorf("requests %d and %d started %v apart, want at least %v", i-1, i, gap, delay)
		}
	}
}

func TestHostsRetryAfter(t *testing.T) {
	h := NewHosts(0)
	h.Defer("www.nctv.nl", time.Now().Add(time.Hour))
	_, err := h.Acquire(context.Background(), "www.nctv.nl", 30*time.Second)
	var busy *HostBusyError
	if !errors.As(err, &busy) || busy.Host != "www.nctv.nl" || time.Until(busy.Until) < 59*time.Minute {
		t.Fatalf("Acquire = %v, want a HostBusyError for the hour", err)
	}
	// The turn was given back: a short wait is waited out.
	h.Defer("english.nctv.nl", time.Now().Add(30*time.Millisecond))
	t0 := time.Now()
	release, err := h.Acquire(context.Background(), "english.nctv.nl", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if d := time.Since(t0); d < 25*time.Millisecond {
		t.Errorf("waited %v, want the 30ms asked", d)
	}
}

func TestHostsCancel(t *testing.T) {
	h := NewHosts(time.Hour)
	release, err := h.Acquire(context.Background(), "www.nctv.nl", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	release()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.Acquire(ctx, "www.nctv.nl", time.Minute); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Acquire during the delay with a short context = %v", err)
	}
	// Nothing is left holding the host.
	h2 := NewHosts(0)
	r1, _ := h2.Acquire(context.Background(), "a", time.Minute)
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := h2.Acquire(ctx2, "a", time.Minute); !errors.Is(err, context.Canceled) {
		t.Errorf("Acquire while busy with a cancelled context = %v", err)
	}
	r1()
	r2, err := h2.Acquire(context.Background(), "a", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	r2()
}
