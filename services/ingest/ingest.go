// Package ingest polls the configured sources on their schedules, turns what
// they publish into items and puts them on the raw stream. A source that
// fails records why on its state and backs off; the others go on.
package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
)

// Service is the ingest stage.
type Service struct {
	cfg     config.Config
	js      jetstream.JetStream
	states  States
	fetcher *Fetcher
	scraper *Scraper
	norm    *Normalizer
	log     *slog.Logger
	now     func() time.Time
	// polling holds the ids of sources being polled: a first import that
	// outlasts a schedule tick must not run twice at once.
	polling sync.Map
	// leases say which sources this replica polls, when several run.
	leases *Leases
	// metrics count and time the polls: on a registry of their own
	// until UseMetrics puts them on the caller's.
	metrics *Metrics
	// reading bounds the polls that parse and publish at once: a first
	// import of hundreds of long feeds at start would otherwise hold every
	// parsed feed in memory together and flood the bus.
	reading chan struct{}
}

// UseMetrics counts and times the polls on m (made by NewMetrics on the
// hub's registry).
func (s *Service) UseMetrics(m *Metrics) {
	s.metrics, s.leases.metrics = m, m
}

// New returns an ingest service for the sources of cfg.
func New(ctx context.Context, cfg config.Config, js jetstream.JetStream, log *slog.Logger) (*Service, error) {
	kv, err := js.KeyValue(ctx, bus.FetchBucket)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	f, err := NewFetcher(cfg.Ingest)
	if err != nil {
		return nil, err
	}
	if f.Hosts != nil {
		f.Hosts.MaxHold = cfg.Ingest.MaxBackoff // a host-wide hold lasts at most max_backoff
	}
	log = log.With("stage", "ingest")
	norm := NewNormalizer(time.Now)
	leaseKV, err := js.KeyValue(ctx, bus.LeaseBucket)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	leases, err := NewLeases(ctx, leaseKV, replicaID(), log)
	if err != nil {
		return nil, err
	}
	m := NewMetrics(prometheus.NewRegistry())
	leases.metrics = m
	return &Service{
		metrics: m,
		leases:  leases,
		cfg:     cfg,
		js:      js,
		states:  States{kv},
		fetcher: f,
		scraper: newScraper(f, norm, cfg.Ingest.UserAgent, log),
		norm:    norm,
		log:     log,
		now:     time.Now,
		reading: make(chan struct{}, 2*runtime.GOMAXPROCS(0)),
	}, nil
}

// Poll fetches one source now, unless it is backing off after failures or
// adaptive polling says it is not due, and publishes its items. The error
// it returns is also kept on the source's state.
func (s *Service) Poll(ctx context.Context, src config.Source) error {
	if _, busy := s.polling.LoadOrStore(src.ID, true); busy {
		return nil
	}
	defer s.polling.Delete(src.ID)
	ctx = WithSource(ctx, src)
	var st State
	err := onBus(ctx, time.Now().Add(s.cfg.Ingest.Timeout), func(ctx context.Context) (err error) {
		st, err = s.states.Get(ctx, src.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s %s: state: %w", verb(src), src.ID, err)
	}
	now := s.now()
	if limit := now.Add(s.cfg.Ingest.MaxBackoff); st.NextAttempt.After(limit) {
		// Stored before max_backoff capped Retry-After, or max_backoff
		// shrank: the wait is at most max_backoff from now, on the status too.
		st.NextAttempt = limit
		if err := s.states.Put(ctx, src.ID, st); err != nil {
			return err
		}
	}
	if now.Before(st.NextAttempt) || now.Before(st.NextPoll) {
		return nil
	}
	st.LastAttempt = now
	began := time.Now()
	b, pollErr := s.poll(ctx, src, &st, now)
	var busErr *BusError
	if errors.As(pollErr, &busErr) {
		// Nothing is stored: the next poll reads the source again, and
		// what did reach the stream is not published twice (message ids).
		s.metrics.busUnavailable.Inc()
		return fmt.Errorf("%s %s: %w", verb(src), src.ID, pollErr)
	}
	if ctx.Err() == nil {
		s.metrics.poll(src.ID, time.Since(began), pollErr == nil && b.notModified, pollErr, now)
	}
	if pollErr != nil {
		if ctx.Err() != nil {
			return ctx.Err() // shutting down: not the source's fault
		}
		st.Failures++
		st.LastError = pollErr.Error()
		st.NextAttempt = now.Add(backoff(st.Failures, s.cfg.Ingest.MaxBackoff, retryWait(pollErr, now)))
	} else {
		st.Failures, st.LastError, st.NextAttempt = 0, "", time.Time{}
		st.LastSuccess = now
		if !b.notModified {
			st.ItemsFound = b.found
			if b.html {
				s.setBroken(ctx, src, &st, b.broken, now)
			}
		}
		if in := s.cfg.Ingest; in.MaxInterval > 0 {
			st.Interval = pollInterval(st.Recent, now, in.MinInterval, in.MaxInterval)
			st.NextPoll = now.Add(st.Interval)
		}
	}
	if err := onBus(ctx, time.Now().Add(s.cfg.Ingest.Timeout), func(ctx context.Context) error { return s.states.Put(ctx, src.ID, st) }); err != nil {
		return errors.Join(pollErr, fmt.Errorf("%s %s: state: %w", verb(src), src.ID, err))
	}
	if pollErr != nil {
		return fmt.Errorf("%s %s: %w", verb(src), src.ID, pollErr)
	}
	return nil
}

// verb names what polling a source does, for errors.
func verb(src config.Source) string {
	if src.Kind == "html" {
		return "scrape"
	}
	return "fetch"
}

// retryWait is how long the source asked not to be asked again: a
// Retry-After, or what the host gate knows of one.
func retryWait(err error, now time.Time) time.Duration {
	var he *HTTPError
	var busy *HostBusyError
	switch {
	case errors.As(err, &he):
		return he.RetryAfter
	case errors.As(err, &busy):
		return busy.Until.Sub(now)
	}
	return 0
}

// batch is what one poll of a source found.
type batch struct {
	items []item.Item // to publish
	// ids are every item found, also those not published again (articles
	// already read).
	ids                []string
	found              int
	notModified        bool
	etag, lastModified string
	html               bool
	broken             string   // html: why the scraper looks broken
	notes              []string // what the poll repaired, for the status
	release            func()   // frees the poll's reading slot; nil: none held
}

// poll fetches and publishes what is new or changed since the last poll,
// then remembers what it saw.
func (s *Service) poll(ctx context.Context, src config.Source, st *State, now time.Time) (*batch, error) {
	// Writing to the bus may ride out an outage this long, then the poll
	// gives up without blaming the source.
	busDeadline := time.Now().Add(s.cfg.Ingest.Timeout)
	var seen seenSet
	err := onBus(ctx, busDeadline, func(ctx context.Context) (err error) {
		seen, err = s.states.Seen(ctx, src.ID, *st)
		return err
	})
	if err != nil {
		return nil, err
	}
	var b *batch
	if src.Kind == "html" {
		b, err = s.scrapeBatch(ctx, src, st, seen, now)
	} else {
		b, err = s.feedBatch(ctx, src, st)
	}
	if err != nil {
		return nil, err
	}
	if b.release != nil {
		defer b.release()
	}
	if b.notModified {
		// A 304 may carry fresh validators; keep them.
		st.ETag = cmp.Or(b.etag, st.ETag)
		st.LastModified = cmp.Or(b.lastModified, st.LastModified)
		return b, nil
	}
	seen.sharedLinks(src.ID, b.items)
	next := make(seenSet, len(b.ids)+len(b.items))
	for _, id := range b.ids {
		if e, ok := seen[id]; ok {
			next[id] = e // an article read before, not read again
		}
	}
	stamp := now.UTC().Truncate(time.Second)
	undated := undatedDate(b.items, len(seen) == 0 && st.LastSuccess.IsZero(), stamp)
	budget := itemBudget(s.js.Conn().MaxPayload())
	var posts []time.Time
	var todo []int // items new or changed since the last poll
	var notes []string
	cut := map[int]bool{} // items cut to fit the bus
	done := make(map[string]bool, len(b.items))
	for i := range b.items {
		it := &b.items[i]
		if done[it.ID] {
			continue // the same item twice in one feed: the first counts
		}
		done[it.ID] = true
		old, known := seen[it.ID]
		first := old.First
		if !known || first.IsZero() {
			first = stamp
			if it.DateGuessed {
				first = undated
			}
		}
		if it.DateGuessed {
			it.Published = first // kept from poll to poll
		}
		if !known {
			posts = append(posts, it.Published)
		}
		if fit(it, budget) {
			cut[i] = true
		}
		e := seenEntry{First: first, Sum: old.Sum}
		if it.GUID != "" {
			e.GUID = hash64(it.GUID)
		}
		switch sum := itemSum(*it); old.Sum {
		case sum:
		case sumUnknown:
			e.Sum = sum // published before sums were kept: this version
		default:
			todo = append(todo, i)
		}
		next[it.ID] = e
	}
	// Newest first, at most max_items_per_poll: the rest go out on later
	// polls, and their entries keep a sum of 0 until then.
	slices.SortStableFunc(todo, func(x, y int) int { return b.items[y].LastChange().Compare(b.items[x].LastChange()) })
	pending := 0
	if limit := s.cfg.Ingest.MaxItemsPerPoll; limit > 0 && len(todo) > limit {
		pending = len(todo) - limit
		todo = todo[:limit]
		notes = append(notes, fmt.Sprintf("max_items_per_poll %d: %d more items wait for later polls", limit, pending))
	}
	for _, i := range todo {
		it := b.items[i]
		if cut[i] {
			s.log.Warn("item cut to fit the bus", "source", src.ID, "item_id", it.ID, "url", it.URL, "max_bytes", budget)
		}
		if err := s.publish(ctx, busDeadline, bus.RawSubject+"."+src.ID, it); err != nil {
			return nil, err
		}
		e := next[it.ID]
		e.Sum = itemSum(it)
		next[it.ID] = e
	}
	if len(cut) > 0 {
		notes = append(notes, fmt.Sprintf("%d items over the bus's largest message (%d bytes) cut, with a link to the original", len(cut), budget))
	}
	// Validators and seen items are stored only now that every item is on
	// the stream: a crash before this point reads the source again. With
	// items still waiting, the next poll must read the feed in full.
	var chunks int
	err = onBus(ctx, busDeadline, func(ctx context.Context) (err error) {
		chunks, err = s.states.PutSeen(ctx, src.ID, next, st.SeenChunks, s.js.Conn().MaxPayload())
		return err
	})
	if err != nil {
		return nil, err
	}
	st.SeenChunks, st.Seen = chunks, nil
	st.ETag, st.LastModified = b.etag, b.lastModified
	if pending > 0 {
		st.ETag, st.LastModified = "", ""
	}
	st.Pending = pending
	st.Notes = append(b.notes, notes...)
	st.Recent = observe(st.Recent, posts)
	s.log.Debug("polled", "source", src.ID, "published", len(todo), "found", b.found, "pending", pending)
	return b, nil
}

// undatedDate is the date an item without one gets when first seen. On a
// source's first import that is the date of the oldest dated item found
// with it, so that an undated page of years ago does not lead every feed
// with today's date; when nothing is dated, and on later polls (where a new
// item is new), it is the time it was first seen.
func undatedDate(items []item.Item, firstImport bool, now time.Time) time.Time {
	if !firstImport {
		return now
	}
	var oldest time.Time
	for _, it := range items {
		if !it.DateGuessed && (oldest.IsZero() || it.Published.Before(oldest)) {
			oldest = it.Published
		}
	}
	if oldest.IsZero() || oldest.After(now) {
		return now
	}
	return oldest.UTC().Truncate(time.Second)
}

// feedBatch reads an RSS, Atom or JSON feed.
func (s *Service) feedBatch(ctx context.Context, src config.Source, st *State) (*batch, error) {
	resp, err := s.fetcher.Fetch(ctx, src.URL, st.ETag, st.LastModified)
	if err != nil {
		return nil, err
	}
	b := &batch{notModified: resp.NotModified, etag: resp.ETag, lastModified: resp.LastModified}
	if resp.NotModified {
		return b, nil
	}
	select {
	case s.reading <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	b.release = func() { <-s.reading }
	feed, notes, err := parseFeed(resp.Body, resp.ContentType)
	if err != nil {
		b.release()
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	b.notes = notes
	items, errs := s.norm.Feed(src, feed, resp.URL)
	for _, e := range errs {
		s.log.Warn("entry skipped", "source", src.ID, "err", e)
	}
	b.items, b.found = items, len(items)
	for _, it := range items {
		b.ids = append(b.ids, it.ID)
	}
	return b, nil
}

// scrapeBatch reads an html source: on its first import as many list pages
// as configured, later the first page only; articles read before are not
// fetched again.
func (s *Service) scrapeBatch(ctx context.Context, src config.Source, st *State, seen seenSet, now time.Time) (*batch, error) {
	o := ScrapeOptions{Now: now, Pages: 1, ETag: st.ETag, LastModified: st.LastModified}
	if st.LastSuccess.IsZero() {
		o.Pages = 0 // the source's depth
	}
	var ids []string // articles read before, found again
	if src.Scrape.Follow {
		o.Known = func(id string) bool {
			_, ok := seen[id]
			if ok {
				ids = append(ids, id)
			}
			return ok
		}
	}
	res, err := s.scraper.Scrape(ctx, src, o)
	if err != nil {
		return nil, err
	}
	for _, it := range res.Items {
		ids = append(ids, it.ID)
	}
	for _, e := range res.Skipped {
		s.log.Warn("item skipped", "source", src.ID, "err", e)
	}
	b := &batch{items: res.Items, ids: ids, found: res.Found, notModified: res.NotModified,
		etag: res.ETag, lastModified: res.LastModified, html: true}
	if !res.NotModified {
		b.broken = BrokenReason(src.Scrape, res)
	}
	return b, nil
}
