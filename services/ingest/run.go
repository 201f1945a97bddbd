package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/bakenhub/baken/pkg/config"
)

// Run polls every source this replica holds a lease on once at start when
// it is due, then on its schedule, until ctx is done; it returns after the
// polls in flight have finished and the leases are released.
func (s *Service) Run(ctx context.Context) error {
	err := onBus(ctx, time.Now().Add(time.Minute), s.leases.Renew)
	switch {
	case ctx.Err() != nil:
		return nil // stopped before it began
	case err != nil:
		return fmt.Errorf("ingest: leases: %w", err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { s.leases.Run(ctx) })
	c := cron.New(cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))
	for _, src := range s.cfg.Sources {
		sched, err := cron.ParseStandard(src.Schedule)
		if err != nil {
			return fmt.Errorf("ingest: schedule of %s: %w", src.ID, err)
		}
		poll := func() { s.scheduled(ctx, src, sched) }
		c.Schedule(sched, cron.FuncJob(poll))
		wg.Go(poll)
	}
	for _, h := range s.metrics.reportHostLoads(HostLoads(s.cfg.Sources, s.cfg.Ingest.HostDelay)) {
		s.log.Warn("host cannot be polled on schedule", "host", h.Host, "sources", h.Sources, "pass", h.Pass, "schedule", h.Interval)
	}
	c.Start()
	s.log.Info("ingest started", "sources", len(s.cfg.Sources), "replica", s.leases.id, "shards", s.leases.Held())
	<-ctx.Done()
	<-c.Stop().Done()
	wg.Wait()
	s.log.Info("ingest stopped")
	return nil
}

// scheduled polls src on its schedule's tick: when this replica holds its
// host, and when no replica has polled it in this cycle (a replica that
// took the host over, or a restart, does not poll it again early). A poll
// that failed because the bus was down is tried again as soon as it is
// back, not a cycle later.
func (s *Service) scheduled(ctx context.Context, src config.Source, sched cron.Schedule) {
	if !s.leases.Holds(src.URL) || !s.due(ctx, src, sched) {
		return
	}
	for attempt := 0; ; attempt++ {
		err := s.Poll(ctx, src)
		if err == nil || ctx.Err() != nil {
			return
		}
		var busErr *BusError
		if !errors.As(err, &busErr) {
			s.log.Warn("poll failed", "source", src.ID, "err", err)
			return
		}
		wait := min(time.Second<<attempt, 10*time.Second)
		s.log.Warn("bus unavailable, polling the source again when it is back", "source", src.ID, "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// due reports whether src is due on this tick: no replica has polled it in
// this cycle of its schedule, and the last attempt is at least a cycle ago
// (both with a tenth of the cycle to spare, for replicas whose ticks fall a
// little apart). A poll at start or by another replica thus never has a
// second one follow it within a cycle.
func (s *Service) due(ctx context.Context, src config.Source, sched cron.Schedule) bool {
	st, err := s.states.Get(ctx, src.ID)
	if err != nil || st.LastAttempt.IsZero() {
		return true // Poll reads the state again and says what is wrong
	}
	next := sched.Next(st.LastAttempt)
	cycle := sched.Next(next).Sub(next)
	slack := min(cycle/10, time.Minute)
	now := s.now()
	return !now.Before(next.Add(-slack)) && now.Sub(st.LastAttempt) >= cycle-slack
}
