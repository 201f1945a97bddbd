package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/bakenhub/baken/cmd/baken/internal/demo"
	"github.com/bakenhub/baken/cmd/baken/internal/hub"
	"github.com/bakenhub/baken/pkg/config"
)

func runCmd(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	cfgPath := fs.String("config", "", "configuration `file` (see deploy/config.yaml)")
	httpAddr := fs.String("http", "127.0.0.1:8080", "HTTP listen `address` for feeds, API and metrics")
	nf := addNATSFlags(fs, "`folder` of the embedded NATS JetStream store")
	natsListen := fs.String("nats-listen", "", "let the embedded NATS server accept clients on this `address` (for replay, backtest, nats CLI)")
	adminAddr := fs.String("admin", "", "serve Go's profiles (net/http/pprof) on this loopback `address`, e.g. 127.0.0.1:6060")
	memLimit := fs.Int64("memory-limit", 250<<20, "soft limit in `bytes` for the Go runtime's memory (GOMEMLIMIT, when set, wins; 0: none): the GC works harder near it instead of letting the heap double")
	replicas := fs.Int("replicas", 1, "stream replicas when creating streams on a cluster")
	demoMode := fs.Bool("demo", false, "serve bundled fixture sources on loopback and use the demo config")
	logFormat := fs.String("log", "text", "log `format`: text or json")
	logLevel := fs.String("log-level", "info", "least `level` logged: debug, info, warn or error")
	verbose := fs.Bool("v", false, "debug logging (--log-level debug)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: baken run [flags] [service ...]\n\nServices: ingest classify dedup publish (default: all).\n\nFlags:")
		fs.PrintDefaults()
	}
	services := parseInterleaved(fs, args)

	if *verbose {
		*logLevel = "debug"
	}
	log, err := newLogger(*logFormat, *logLevel)
	if err != nil {
		return err
	}
	// The view's rebuild on start may use twice the soft limit: near the
	// limit the collector took half of the rebuild's CPU, for garbage it
	// frees once the rebuild is done (rebuilt returns it to the system).
	rebuilt := func() {}
	if os.Getenv("GOMEMLIMIT") == "" && *memLimit > 0 {
		debug.SetMemoryLimit(2 * *memLimit)
		rebuilt = func() {
			debug.SetMemoryLimit(*memLimit)
			debug.FreeOSMemory()
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go releaseWhenIdle(ctx)

	var cfg config.Config
	switch {
	case *demoMode:
		srv, err := demo.Start()
		if err != nil {
			return err
		}
		defer srv.Close(context.Background())
		if cfg, err = demo.Config(srv.URL, publicURL(*httpAddr)); err != nil {
			return err
		}
		log.Info("demo sources served", "url", srv.URL)
	case *cfgPath != "":
		if cfg, err = config.Load(*cfgPath); err != nil {
			return err
		}
	default:
		return fmt.Errorf("run: give --config FILE or --demo")
	}
	if cfg.NATS, err = nf.resolve(cfg.NATS); err != nil {
		return err
	}
	if cfg.Publish.BaseURL == config.Default().Publish.BaseURL {
		cfg.Publish.BaseURL = publicURL(*httpAddr)
	}
	return hub.Run(ctx, hub.Options{
		Config:     cfg,
		Services:   services,
		DataDir:    *nf.data,
		NATSURL:    cfg.NATS.URL,
		NATSListen: *natsListen,
		Replicas:   *replicas,
		HTTPAddr:   *httpAddr,
		AdminAddr:  *adminAddr,
		Log:        log,
		Rebuilt:    rebuilt,
		Listening: func(addr string) {
			fmt.Fprintf(os.Stderr, "\nBaken is running: http://%s/  (feeds: http://%s/feeds/all.atom)\n\n", addr, addr)
		},
	})
}

// publicURL is where feeds are served when publish.base_url is not set:
// the listen address, with a wildcard host read as this machine.
func publicURL(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// parseInterleaved parses flags that may come before, between or after
// the service names: `baken run ingest --nats URL` and `baken run --nats URL
// ingest` both work. It returns the names.
func parseInterleaved(fs *flag.FlagSet, args []string) []string {
	var names []string
	for {
		_ = fs.Parse(args)
		args = fs.Args()
		if len(args) == 0 {
			return names
		}
		names, args = append(names, args[0]), args[1:]
	}
}

// newLogger returns the process's logger: text or JSON on stderr, from
// level up.
func newLogger(format, level string) (*slog.Logger, error) {
	var lv slog.LevelVar
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: &lv}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log %q: want text or json", format)
}

// toolLogger is the logger of the one-shot tools: text, info and up.
func toolLogger() *slog.Logger {
	log, _ := newLogger("text", "info")
	return log
}
