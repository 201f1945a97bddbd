package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Memory handed back when the hub goes quiet. After an import the live
// heap shrinks to what the feeds need (JetStream's block caches expire 10 s
// after their last use), but with no allocation no collection runs to find
// the rest free, and the runtime returns freed pages only gradually: the
// process kept the import's peak for minutes.
const (
	idleTick = 10 * time.Second
	// busyAllocs in a tick is work (an import, a burst of requests);
	// quietAllocs is idle (polling on 304s, a few requests).
	busyAllocs  = 256 << 20
	quietAllocs = 32 << 20
	// quietReleases: memory is handed back on the first two quiet ticks
	// after work, the second after the caches the work used expired.
	quietReleases = 2
)

// idleRelease decides, tick by tick, when to hand memory back.
type idleRelease struct {
	pending int // releases due on the coming quiet ticks
}

// tick takes the bytes allocated since the last tick and reports whether
// to hand memory back now.
func (r *idleRelease) tick(allocated uint64) bool {
	switch {
	case allocated >= busyAllocs:
		r.pending = quietReleases
	case allocated < quietAllocs && r.pending > 0:
		r.pending--
		return true
	}
	return false
}

// releaseWhenIdle runs idleRelease on the process until ctx is done.
func releaseWhenIdle(ctx context.Context) {
	sample := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(sample)
	last := sample[0].Value.Uint64()
	var r idleRelease
	t := time.NewTicker(idleTick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		metrics.Read(sample)
		now := sample[0].Value.Uint64()
		if r.tick(now - last) {
			debug.FreeOSMemory()
		}
		last = now
	}
}
