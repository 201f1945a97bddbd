// Package hub assembles Baken's services around one NATS connection: an
// embedded JetStream server on one machine, or an external cluster.
package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/httpserver"
	"github.com/bakenhub/baken/pkg/stage"
	"github.com/bakenhub/baken/pkg/webui"
	"github.com/bakenhub/baken/services/classify"
	"github.com/bakenhub/baken/services/dedup"
	"github.com/bakenhub/baken/services/ingest"
	"github.com/bakenhub/baken/services/publish"
)

// Services are the names `baken run` accepts, in pipeline order.
var Services = []string{"ingest", "classify", "dedup", "publish"}

// Options say what to run and where.
type Options struct {
	Config   config.Config
	Services []string // empty: all
	DataDir  string   // embedded server storage, when NATSURL is empty
	NATSURL  string   // external server or cluster
	// NATSListen opens the embedded server to clients on this address.
	NATSListen string
	Replicas   int // stream replicas on a cluster
	HTTPAddr   string
	// AdminAddr, when set, serves Go's profiles (net/http/pprof) on this
	// loopback address.
	AdminAddr string
	Log       *slog.Logger
	// Listening, when set, is told the HTTP address once it accepts.
	Listening func(addr string)
	// Rebuilt, when set, is called once the publisher's view is rebuilt
	// (at once when this process runs no publisher).
	Rebuilt func()

	registry *prometheus.Registry // this hub's metrics
	metrics  *stage.Metrics
}

// Run starts the services and blocks until ctx is done, then shuts down in
// order: services drain, the HTTP server stops, the connection drains, the
// embedded server stops.

// publishAckTimeout bounds the wait for an async publish's ack.
const publishAckTimeout = 10 * time.Second

func Run(ctx context.Context, o Options) (err error) {
	log := o.Log
	o.registry = prometheus.NewRegistry()
	o.registry.MustRegister(collectors.NewBuildInfoCollector())
	o.metrics = stage.NewMetrics(o.registry)
	if len(o.Services) == 0 {
		o.Services = Services
	}
	for _, s := range o.Services {
		if !slices.Contains(Services, s) {
			return fmt.Errorf("unknown service %q (want %v)", s, Services)
		}
	}
	var ns *server.Server
	var nc *nats.Conn
	if o.NATSURL == "" {
		if ns, err = bus.Embedded(o.DataDir, o.NATSListen, o.Config.NATS, log); err != nil {
			return err
		}
		defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
		nc, err = bus.InProcess(ns, "hub", o.Config.NATS)
	} else {
		nc, err = bus.Connect(ctx, o.NATSURL, "hub", o.Config.NATS, log)
	}
	if err != nil {
		return err
	}
	defer func() {
		if dErr := drain(nc, log); dErr != nil {
			err = errors.Join(err, dErr)
		}
	}()
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(publishAckTimeout))
	if err != nil {
		return err
	}
	opts := bus.DefaultOptions()
	opts.DedupRetention = o.Config.Dedup.Retention
	if o.Replicas > 0 {
		opts.Replicas = o.Replicas
	}
	if err := bus.SetupWait(ctx, js, opts, bus.SetupTimeout, log); err != nil {
		return err
	}
	// Each service gets connections of its own: a server reads one
	// connection's messages in order, so one shared connection makes
	// every service wait on the others.
	var conns []*nats.Conn
	defer func() {
		for _, c := range conns {
			if dErr := drain(c, log); dErr != nil {
				err = errors.Join(err, dErr)
			}
		}
	}()
	connect := func(name string) (jetstream.JetStream, error) {
		var c *nats.Conn
		var err error
		if ns != nil {
			c, err = bus.InProcess(ns, name, o.Config.NATS)
		} else {
			c, err = bus.Connect(ctx, o.NATSURL, name, o.Config.NATS, log)
		}
		if err != nil {
			return nil, err
		}
		conns = append(conns, c)
		// An async publish (the BAKEN_OUT fan-out) whose ack never comes
		// leaves the pending table after this, not at a reconnect.
		return jetstream.New(c, jetstream.WithPublishAsyncTimeout(publishAckTimeout))
	}
	run, pub, err := build(ctx, o, connect)
	if err != nil {
		return err
	}
	fetchKV, err := js.KeyValue(ctx, bus.FetchBucket)
	if err != nil {
		return err
	}

	if o.AdminAddr != "" {
		admin, err := startAdmin(o.AdminAddr, log)
		if err != nil {
			return err
		}
		defer admin.Close()
	}
	ln, err := net.Listen("tcp", o.HTTPAddr)
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	hl := health{nc: nc, js: js, services: o.Services, pub: pub}
	var statusOpts []ingest.StatusOption
	if pub != nil {
		statusOpts = append(statusOpts, ingest.WithRecent(recentOf(pub)))
	}
	routes := handler(hl, o.registry, ingest.StatusHandler(fetchKV, o.Config.Sources, ingest.LimitsOf(o.Config.Ingest, nc.MaxPayload()), nc, statusOpts...))
	srv := httpserver.New(httpserver.Instrument(o.registry, routes), httpserver.DefaultLimits())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "err", err)
		}
	}()
	log.Info("baken running", "services", o.Services, "http", "http://"+ln.Addr().String())
	if o.Listening != nil {
		o.Listening(ln.Addr().String())
	}

	// A service that fails stops the hub: running on without a stage would
	// pile up its input unseen.
	svcCtx, stopAll := context.WithCancel(ctx)
	defer stopAll()
	var wg sync.WaitGroup
	errs := make(chan error, len(run))
	if o.Rebuilt != nil {
		run = append(run, afterView(pub, func(context.Context) error { o.Rebuilt(); return nil }))
	}
	for _, r := range run {
		wg.Go(func() {
			if err := r(svcCtx); err != nil {
				log.Error("service failed, stopping the hub", "err", err)
				errs <- err
				stopAll()
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		err = errors.Join(err, e)
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if sErr := srv.Shutdown(shutdownCtx); sErr != nil {
		err = errors.Join(err, fmt.Errorf("http shutdown: %w", sErr))
	}
	log.Info("baken stopped")
	return err
}

// build constructs the selected services; each becomes a function that runs
// until ctx is done.
func build(ctx context.Context, o Options, connect func(name string) (jetstream.JetStream, error)) (run []func(context.Context) error, pub *publish.Publisher, err error) {
	log := o.Log
	want := func(name string) bool { return slices.Contains(o.Services, name) }
	needClassifier := want("classify") || want("publish")
	var cl *classify.Classifier
	if needClassifier {
		if cl, err = classify.New(o.Config.Classify); err != nil {
			return nil, nil, err
		}
	}
	if want("publish") {
		js, err := connect("publish")
		if err != nil {
			return nil, nil, err
		}
		po := publishOptions(o.Config, cl)
		if o.DataDir != "" {
			// Each replica's own index, in its own data folder.
			po.SearchDir = filepath.Join(o.DataDir, "search")
		}
		if pub, err = publish.New(ctx, js, po, log); err != nil {
			return nil, nil, err
		}
		run = append(run, pub.Run)
	}
	if want("ingest") {
		js, err := connect("ingest")
		if err != nil {
			return nil, nil, err
		}
		in, err := ingest.New(ctx, o.Config, js, log)
		if err != nil {
			return nil, nil, err
		}
		in.UseMetrics(ingest.NewMetrics(o.registry))
		run = append(run, in.Run)
	}
	if want("classify") {
		js, err := connect("classify")
		if err != nil {
			return nil, nil, err
		}
		st := cl.Stage()
		st.Metrics = o.metrics
		run = append(run, afterView(pub, func(ctx context.Context) error { return stage.Run(ctx, js, st, log) }))
	}
	if want("dedup") {
		var jss []jetstream.JetStream
		for i := range dedupConns {
			js, err := connect(fmt.Sprintf("dedup-%d", i))
			if err != nil {
				return nil, nil, err
			}
			jss = append(jss, js)
		}
		js := jss[0]
		dopts := []dedup.Option{dedup.Connections(jss[1:]...), dedup.Stories(o.Config.Dedup.Stories), dedup.Registerer(o.registry)}
		if o.DataDir != "" {
			// Each replica's own snapshot, in its own data folder.
			dopts = append(dopts, dedup.IndexSnapshot(filepath.Join(o.DataDir, "dedup-index")))
		}
		d, err := dedup.New(ctx, js, log, dopts...)
		if err != nil {
			return nil, nil, err
		}
		st := d.Stage()
		st.Metrics = o.metrics
		stageRun := afterView(pub, func(ctx context.Context) error { return stage.Run(ctx, js, st, log) })
		run = append(run, func(ctx context.Context) error {
			err := stageRun(ctx)
			if cErr := d.Close(); cErr != nil {
				// The next start reads more of the bucket: no failure.
				log.Warn("dedup index not saved", "err", cErr)
			}
			return err
		})
	}
	return run, pub, nil
}

// afterView holds a stage of this process back until its publisher has
// rebuilt the view (nil: none runs here): a restart rebuilds what it
// serves first, and then classify and dedup take up the backlog (dedup's
// index follows its bucket meanwhile). With both working through 25,000
// items of a cut-off import beside it, the rebuild of 75,000 items took
// 13 s instead of 6.
func afterView(pub *publish.Publisher, run func(context.Context) error) func(context.Context) error {
	if pub == nil {
		return run
	}
	return waitReady(pub.Ready, run)
}

// waitReady runs run once ready reports true; it returns nil without
// running it when ctx is done first.
func waitReady(ready func() bool, run func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for !ready() {
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
		return run(ctx)
	}
}

// dedupConns is how many connections dedup has: its KV calls are spread
// over all but one, which carries the watch of its index.
const dedupConns = 5

func publishOptions(cfg config.Config, cl *classify.Classifier) publish.Options {
	po := publish.Options{
		Title:     cfg.Publish.Title,
		BaseURL:   cfg.Publish.BaseURL,
		FeedSize:  cfg.Publish.FeedSize,
		RulesFile: cfg.Publish.Rules,
		APIToken:  cfg.Publish.APIToken,
	}
	po.Callbacks, _ = cfg.Publish.WebSub.Policy("set publish.websub.allow_private (or allow_cidrs) to allow") // validated with the config
	tax := cl.Taxonomy()
	for _, id := range tax.IDs() {
		po.Themes = append(po.Themes, publish.Label{ID: id, Name: tax.Label(id)})
	}
	for _, s := range cfg.Sources {
		po.Sources = append(po.Sources, publish.Label{ID: s.ID, Name: s.Name, URL: s.URL})
	}
	for _, r := range cl.Gazetteer().Regions() {
		po.Districts = append(po.Districts, publish.Label{ID: r.ID, Name: r.Name})
	}
	return po
}

// handler serves the publisher's routes (when it runs), the sources' status,
// /healthz, /readyz and /metrics.
func handler(h health, reg *prometheus.Registry, sources http.Handler) http.Handler {
	mux := http.NewServeMux()
	// This hub's registry (every service's metrics), and the process-wide
	// one for the Go runtime and the process.
	mux.Handle("GET /metrics", httpserver.CacheControl(httpserver.CacheNever,
		promhttp.HandlerFor(prometheus.Gatherers{reg, prometheus.DefaultGatherer}, promhttp.HandlerOpts{})))
	mux.HandleFunc("GET /healthz", h.live)
	mux.HandleFunc("GET /readyz", h.ready)
	// Source health, read from the fetch bucket whichever services run here.
	sources = httpserver.CacheControl(httpserver.CacheRevalidate, sources)
	mux.Handle("GET /sources", sources)
	mux.Handle("GET /sources/{id}", sources)
	mux.Handle("GET /api/sources", sources)
	if h.pub != nil {
		mux.Handle("/", h.pub.Handler())
	} else {
		mux.Handle("GET /static/", webui.Static()) // the sources pages' stylesheet
	}
	return mux
}

// recentOf lists a source's latest items on its page, from the publisher.
func recentOf(pub *publish.Publisher) ingest.RecentFunc {
	return func(ctx context.Context, source string, n int) []ingest.Recent {
		var out []ingest.Recent
		for _, r := range pub.RecentOf(ctx, source, n) {
			out = append(out, ingest.Recent(r))
		}
		return out
	}
}

// drain flushes and closes the connection, waiting for it to finish.
func drain(nc *nats.Conn, log *slog.Logger) error {
	closed := make(chan struct{})
	nc.SetClosedHandler(func(*nats.Conn) { close(closed) })
	if err := nc.Drain(); err != nil {
		return err
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		log.Warn("nats drain timed out")
	}
	return nil
}
