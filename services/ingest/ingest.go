// Package ingest polls the configured sources on their schedules, turns what
// they publish into items and puts them on the raw stream. A source that
// fails records why on its state and backs off; the others go on.
package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/robfig/cron/v3"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/stage"
)

// Service is the ingest stage.
type Service struct {
	cfg     config.Config
	js      jetstream.JetStream
	states  States
	fetcher *Fetcher
	norm    *Normalizer
	log     *slog.Logger
	now     func() time.Time
}

// New returns an ingest service for the sources of cfg.
func New(ctx context.Context, cfg config.Config, js jetstream.JetStream, log *slog.Logger) (*Service, error) {
	kv, err := js.KeyValue(ctx, bus.FetchBucket)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	return &Service{
		cfg:    cfg,
		js:     js,
		states: States{kv},
		fetcher: &Fetcher{
			Client:    NewHTTPClient(),
			UserAgent: cfg.Ingest.UserAgent,
			MaxBytes:  cfg.Ingest.MaxBytes,
			Timeout:   cfg.Ingest.Timeout,
		},
		norm: NewNormalizer(time.Now),
		log:  log.With("stage", "ingest"),
		now:  time.Now,
	}, nil
}

// Run polls every source once at start, then on its schedule, until ctx is
// done; it returns after the polls in flight have finished.
func (s *Service) Run(ctx context.Context) error {
	c := cron.New(cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))
	var wg sync.WaitGroup
	for _, src := range s.cfg.Sources {
		poll := func() {
			if err := s.Poll(ctx, src); err != nil && ctx.Err() == nil {
				s.log.Warn("poll failed", "source", src.ID, "err", err)
			}
		}
		if _, err := c.AddFunc(src.Schedule, poll); err != nil {
			return fmt.Errorf("ingest: schedule of %s: %w", src.ID, err)
		}
		wg.Go(poll)
	}
	c.Start()
	s.log.Info("ingest started", "sources", len(s.cfg.Sources))
	<-ctx.Done()
	wg.Wait()
	<-c.Stop().Done()
	s.log.Info("ingest stopped")
	return nil
}

// Poll fetches one source now, unless it is backing off after failures, and
// publishes its items. The error it returns is also kept on the source's
// state.
func (s *Service) Poll(ctx context.Context, src config.Source) error {
	st, err := s.states.Get(ctx, src.ID)
	if err != nil {
		return err
	}
	now := s.now()
	if now.Before(st.NextAttempt) {
		return nil
	}
	st.LastAttempt = now
	n, pollErr := s.poll(ctx, src, &st)
	if pollErr != nil {
		if ctx.Err() != nil {
			return ctx.Err() // shutting down: not the source's fault
		}
		st.Failures++
		st.LastError = pollErr.Error()
		var he *HTTPError
		var wait time.Duration
		if errors.As(pollErr, &he) {
			wait = he.RetryAfter
		}
		st.NextAttempt = now.Add(backoff(st.Failures, s.cfg.Ingest.MaxBackoff, wait))
		fetches.WithLabelValues(src.ID, "error").Inc()
	} else {
		st.Failures, st.LastError, st.NextAttempt = 0, "", time.Time{}
		st.LastSuccess = now
		if n >= 0 {
			st.ItemsFound = n
		}
		fetches.WithLabelValues(src.ID, "ok").Inc()
	}
	if err := s.states.Put(ctx, src.ID, st); err != nil {
		return errors.Join(pollErr, err)
	}
	if pollErr != nil {
		return fmt.Errorf("fetch %s: %w", src.ID, pollErr)
	}
	return nil
}

// poll fetches, parses and publishes; it returns the number of items found,
// or -1 when the source answered 304 Not Modified.
func (s *Service) poll(ctx context.Context, src config.Source, st *State) (int, error) {
	resp, err := s.fetcher.Fetch(ctx, src.URL, st.ETag, st.LastModified)
	if err != nil {
		return 0, err
	}
	if resp.NotModified {
		// A 304 may carry fresh validators; keep them.
		if resp.ETag != "" {
			st.ETag = resp.ETag
		}
		if resp.LastModified != "" {
			st.LastModified = resp.LastModified
		}
		return -1, nil
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(resp.Body))
	if err != nil {
		return 0, fmt.Errorf("parse feed: %w", err)
	}
	items, errs := s.norm.Feed(src, feed, resp.URL)
	for _, e := range errs {
		s.log.Warn("entry skipped", "source", src.ID, "err", e)
	}
	for _, it := range items {
		if err := stage.Publish(ctx, s.js, bus.RawSubject+"."+src.ID, it); err != nil {
			return 0, err
		}
	}
	// Validators are stored only now that every item is on the stream: a
	// crash before this point refetches the whole feed.
	st.ETag, st.LastModified = resp.ETag, resp.LastModified
	s.log.Debug("polled", "source", src.ID, "items", len(items))
	return len(items), nil
}
