// Package publish serves the curated items as RSS 2.0, Atom 1.0 and JSON
// Feed 1.1 feeds per theme, per district and per theme × district, plus an
// OPML list and an HTML index. Its view is rebuilt from the curated stream
// on start, so it keeps no state of its own.
package publish

import (
	"context"
	"encoding/json"
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
}

// Publisher keeps the view and serves it over HTTP.
type Publisher struct {
	opts  Options
	js    jetstream.JetStream
	store *curation.Store
	view  *View
	log   *slog.Logger
	cache sync.Map // render key -> *rendered
	// caughtUp is set once the view holds everything that was on the
	// curated stream at start.
	caughtUp atomic.Bool
	themes   map[string]string
	dists    map[string]string
	started  time.Time
}

// New returns a publisher with an empty view; Run fills it.
func New(ctx context.Context, js jetstream.JetStream, opts Options, log *slog.Logger) (*Publisher, error) {
	store, err := curation.NewStore(ctx, js)
	if err != nil {
		return nil, err
	}
	opts.BaseURL = strings.TrimSuffix(opts.BaseURL, "/")
	p := &Publisher{opts: opts, js: js, store: store, view: NewView(), log: log.With("stage", "publish"), themes: map[string]string{}, dists: map[string]string{}, started: time.Now()}
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
	defer wg.Wait()
	wg.Go(func() {
		if err := p.store.Watch(ctx, p.view.SetOverride); err != nil {
			p.log.Error("overrides not followed", "err", err)
		}
	})
	if p.opts.RulesFile != "" {
		wg.Go(func() { p.watchRules(ctx) })
	}
	stream, err := p.js.Stream(ctx, bus.CuratedStream)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	last := stream.CachedInfo().State.LastSeq
	if last == 0 {
		p.caughtUp.Store(true)
	}
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return fmt.Errorf("publish: consumer: %w", err)
	}
	cc, err := cons.Consume(func(msg jetstream.Msg) {
		var it item.Item
		if err := json.Unmarshal(msg.Data(), &it); err != nil {
			p.log.Error("undecodable curated item skipped", "subject", msg.Subject(), "err", err)
		} else {
			p.view.Put(untrusted(it))
		}
		if md, err := msg.Metadata(); err == nil && md.Sequence.Stream >= last {
			if !p.caughtUp.Swap(true) {
				p.log.Info("view rebuilt from curated stream", "items", p.view.Len())
			}
		}
	})
	if err != nil {
		return fmt.Errorf("publish: consume: %w", err)
	}
	p.log.Info("publish started", "replaying", last)
	<-ctx.Done()
	cc.Stop()
	<-cc.Closed()
	return nil
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
