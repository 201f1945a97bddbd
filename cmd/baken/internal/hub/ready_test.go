package hub

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestWaitReady: a stage held back by waitReady starts once the view is
// ready, and not at all when the hub stops first.
func TestWaitReady(t *testing.T) {
	var ready, ran atomic.Bool
	run := waitReady(ready.Load, func(context.Context) error { ran.Store(true); return nil })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	time.Sleep(100 * time.Millisecond)
	if ran.Load() {
		t.Fatal("the stage ran before the view was ready")
	}
	ready.Store(true)
	if err := <-done; err != nil || !ran.Load() {
		t.Fatalf("once ready: ran %v, err %v", ran.Load(), err)
	}

	ran.Store(false)
	ready.Store(false)
	go func() { done <- run(ctx) }()
	cancel()
	if err := <-done; err != nil || ran.Load() {
		t.Errorf("stopped before ready: ran %v, err %v", ran.Load(), err)
	}
}
