// Package publish serves the curated items as RSS 2.0, Atom 1.0 and JSON
// Feed 1.1 feeds per theme, per district and per theme × district, plus an
// OPML list and an HTML index. Its view is rebuilt from the curated stream
// on start, so it keeps no state of its own.
package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/curation"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/netguard"
	"github.com/bakenhub/baken/services/publish/search"
	"github.com/bakenhub/baken/services/publish/websub"
)

// Label names a theme or district id for people.
type Label struct {
	ID   string
	Name string
	URL  string // a source's feed or page, for the feeds' source attribution
}

// Options configure the publisher.
type Options struct {
	Title     string  // prefix of every feed title
	BaseURL   string  // absolute URL the feeds are served under
	FeedSize  int     // items per feed
	Themes    []Label // every theme, in display order
	Districts []Label // every known district and unit
	Sources   []Label // every source, for author names
	RulesFile string  // editors' overrides under version control, optional
	APIToken  string  // bearer token for overrides and the audit trail; none: both closed
	// SearchDir holds this replica's search index (see package search);
	// empty: no search.
	SearchDir string
	// Callbacks is where WebSub subscribers' callbacks may be (by default
	// nowhere internal, as for fetching).
	Callbacks netguard.Policy
}

// Publisher keeps the view and serves it over HTTP.
type Publisher struct {
	opts  Options
	hub   *websub.Hub // the WebSub hub at /websub
	js    jetstream.JetStream
	store *curation.Store
	view  *View
	log   *slog.Logger
	cache sync.Map // render key -> *rendered
	// selected holds custom feeds' and archive pages' documents.
	selected *docCache
	// caughtUp is set once the view holds everything that was on the
	// curated stream at start.
	caughtUp  atomic.Bool
	stream    jetstream.Stream
	items     atomic.Uint64 // messages on the curated stream: one per item
	countedAt atomic.Pointer[time.Time]
	themes    map[string]string
	dists     map[string]string
	started   time.Time
	search    *search.Index // nil without Options.SearchDir
	web       *web          // the HTML pages' state: sessions, templates
}

// New returns a publisher with an empty view; Run fills it.
func New(ctx context.Context, js jetstream.JetStream, opts Options, log *slog.Logger) (*Publisher, error) {
	store, err := curation.NewStore(ctx, js)
	if err != nil {
		return nil, err
	}
	opts.BaseURL = strings.TrimSuffix(opts.BaseURL, "/")
	p := &Publisher{opts: opts, js: js, store: store, log: log.With("stage", "publish"), themes: map[string]string{}, dists: map[string]string{}, started: time.Now(),
		selected: newDocCache(selectedDocs)}
	if p.stream, err = js.Stream(ctx, bus.CuratedStream); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	p.view = NewView(2*opts.FeedSize, p.loadItem)
	subs, err := js.KeyValue(ctx, bus.WebSubBucket)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	claims, err := js.KeyValue(ctx, bus.WebSubClaimsBucket)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	p.hub = websub.New(subs, claims, p, websub.Options{HubURL: p.hubURL(), Network: opts.Callbacks}, p.log)
	for _, t := range opts.Themes {
		p.themes[t.ID] = t.Name
	}
	for _, d := range opts.Districts {
		p.dists[d.ID] = d.Name
	}
	if opts.RulesFile != "" {
		rules, err := curation.LoadRules(opts.RulesFile, p.themeIDs())
		if err != nil {
			return nil, err
		}
		p.view.SetRules(rules)
	}
	if opts.SearchDir != "" {
		if p.search, err = search.Open(opts.SearchDir); err != nil {
			return nil, err
		}
	}
	p.web = newWeb(opts.APIToken)
	return p, nil
}

func (p *Publisher) themeIDs() []string {
	ids := make([]string, len(p.opts.Themes))
	for i, t := range p.opts.Themes {
		ids[i] = t.ID
	}
	return ids
}

// View returns the publisher's view.
func (p *Publisher) View() *View { return p.view }

// Run reads the curated stream from its first message, then follows it
// until ctx is done. Editors' overrides apply as they change: from the API
// at once, from the rules file when its modification time changes.
func (p *Publisher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		if p.search != nil {
			_ = p.search.Close()
		}
	}()
	if p.search != nil {
		wg.Go(func() {
			if err := p.indexSearch(ctx); err != nil {
				p.log.Error("search index not updated", "err", err)
			}
		})
	}
	wg.Go(func() {
		if err := p.store.Watch(ctx, p.view.SetOverride); err != nil {
			p.log.Error("overrides not followed", "err", err)
		}
	})
	if p.opts.RulesFile != "" {
		wg.Go(func() { p.watchRules(ctx) })
	}
	wg.Go(func() { p.hub.Run(ctx) })
	wg.Go(func() {
		if err := p.runOut(ctx); err != nil {
			p.log.Error("items not put on "+bus.OutStream, "err", err)
		}
	})
	info, err := p.stream.Info(ctx)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	last := info.State.LastSeq
	p.items.Store(info.State.Msgs)
	if last == 0 || info.State.Msgs == 0 {
		p.caughtUp.Store(true)
	}
	// Caught up at the last message there was, or at one with nothing
	// after it: the last may be gone (aged out, or deleted).
	cc, err := p.follow(ctx, func(seq, pending uint64) {
		if (seq >= last || pending == 0) && !p.caughtUp.Swap(true) {
			p.log.Info("view rebuilt from curated stream", "messages", last, "held", p.view.Held())
		}
	})
	if err != nil {
		return err
	}
	p.log.Info("publish started", "replaying", last)
	wg.Go(func() { p.refill(ctx) })
	<-ctx.Done()
	cc.Stop()
	<-cc.Closed()
	return nil
}

// follow reads the curated stream from its first message into the view and
// goes on with every new one, calling seen with each stream sequence.
func (p *Publisher) follow(ctx context.Context, seen func(seq, pending uint64)) (jetstream.ConsumeContext, error) {
	cons, err := p.stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return nil, fmt.Errorf("publish: consumer: %w", err)
	}
	cc, err := cons.Consume(func(msg jetstream.Msg) {
		md, mdErr := msg.Metadata()
		decode := func(data []byte) (item.Item, error) {
			var it item.Item
			if err := json.Unmarshal(data, &it); err != nil {
				return it, err
			}
			if mdErr == nil {
				stampUndated(&it, md.Timestamp)
			}
			return untrusted(it), nil
		}
		// Most items of a replay land in no window: their placement is
		// decoded, and the whole item only for those that do.
		if placement := msg.Headers().Get(item.PlacementHeader); placement != "" {
			if pl, err := decode([]byte(placement)); err != nil {
				p.log.Error("undecodable curated item placement skipped", "subject", msg.Subject(), "err", err)
			} else if err := p.view.PutPlaced(pl, func() (item.Item, error) { return decode(msg.Data()) }); err != nil {
				p.log.Error("curated item shown without its text: undecodable", "subject", msg.Subject(), "err", err)
			}
		} else if it, err := decode(msg.Data()); err != nil {
			p.log.Error("undecodable curated item skipped", "subject", msg.Subject(), "err", err)
		} else {
			p.view.Put(it)
		}
		if mdErr == nil {
			seen(md.Sequence.Stream, md.NumPending)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("publish: consume: %w", err)
	}
	return cc, nil
}

// refill reads the curated stream again when the view says a window lost
// more items than it can spare (hidden or reclassified out of a feed whose
// older items it no longer holds), and keeps the item count current.
func (p *Publisher) refill(ctx context.Context) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !p.Ready() || !p.view.Short() {
			continue
		}
		info, err := p.stream.Info(ctx)
		if err != nil {
			continue
		}
		done := make(chan struct{})
		var once sync.Once
		cc, err := p.follow(ctx, func(seq, pending uint64) {
			if seq >= info.State.LastSeq || pending == 0 {
				once.Do(func() { close(done) })
			}
		})
		if err != nil {
			p.log.Error("short feeds not refilled", "err", err)
			continue
		}
		select {
		case <-done:
		case <-ctx.Done():
		}
		cc.Stop()
		<-cc.Closed()
		p.log.Info("short feeds refilled from the curated stream", "messages", info.State.LastSeq)
	}
}

// loadItem reads an item's latest version from the curated stream.
func (p *Publisher) loadItem(id string) (item.Item, bool, error) {
	if !validID(id) {
		return item.Item{}, false, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	msg, err := p.stream.GetLastMsgForSubject(ctx, bus.CuratedItemSubject(id))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return item.Item{}, false, nil
	}
	if err != nil {
		return item.Item{}, false, fmt.Errorf("publish: load %s: %w", id, err)
	}
	var it item.Item
	if err := json.Unmarshal(msg.Data, &it); err != nil {
		return item.Item{}, false, fmt.Errorf("publish: decode %s: %w", id, err)
	}
	stampUndated(&it, msg.Time)
	return it, true, nil
}

// stampUndated records when the item was curated and gives an item its
// source did not date that time as its updated time. Its published time
// is when ingest first saw it, the same second for a whole page of undated
// items; the curated time is as true and sets each entry apart (Atom
// readers and the W3C validator want distinct updated times).
func stampUndated(it *item.Item, curated time.Time) {
	it.Curated = curated.UTC()
	if it.DateGuessed && it.Updated.IsZero() && curated.After(it.Published) {
		it.Updated = curated.UTC()
	}
}

// validID accepts what can be one token of a subject.
func validID(id string) bool {
	return id != "" && !strings.ContainsAny(id, ".*> \t\r\n")
}

// ItemCount is the number of items on the curated stream (one message
// each), read at most twice a second.
func (p *Publisher) ItemCount() uint64 {
	if at := p.countedAt.Load(); at == nil || time.Since(*at) > 500*time.Millisecond {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if info, err := p.stream.Info(ctx); err == nil {
			p.items.Store(info.State.Msgs)
			now := time.Now()
			p.countedAt.Store(&now)
		}
	}
	return p.items.Load()
}

// watchRules reloads the rules file when it changes; a broken file is
// reported and the previous rules stay in force.
func (p *Publisher) watchRules(ctx context.Context) {
	var last time.Time
	if fi, err := os.Stat(p.opts.RulesFile); err == nil {
		last = fi.ModTime()
	}
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		fi, err := os.Stat(p.opts.RulesFile)
		if err != nil || fi.ModTime().Equal(last) {
			continue
		}
		last = fi.ModTime()
		rules, err := curation.LoadRules(p.opts.RulesFile, p.themeIDs())
		if err != nil {
			p.log.Error("rules file not reloaded", "err", err)
			continue
		}
		p.view.SetRules(rules)
		p.log.Info("rules file reloaded", "items", len(rules))
	}
}

// Ready reports whether the view has caught up with the curated stream.
func (p *Publisher) Ready() bool { return p.caughtUp.Load() }

func (p *Publisher) themeName(id string) string {
	if n, ok := p.themes[id]; ok {
		return n
	}
	return id
}

func (p *Publisher) sourceName(id string) string {
	for _, s := range p.opts.Sources {
		if s.ID == id {
			return s.Name
		}
	}
	return id
}

func (p *Publisher) sourceURL(id string) string {
	for _, s := range p.opts.Sources {
		if s.ID == id {
			return s.URL
		}
	}
	return ""
}

func (p *Publisher) districtName(id string) string {
	if n, ok := p.dists[id]; ok {
		return n
	}
	return id
}
