package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
)

// rawFlags are the flags of the tools that read the raw stream (replay,
// backtest): the configuration in force, a period, and a way to NATS.
type rawFlags struct {
	config *string
	since  *time.Duration
	nats   natsFlags
}

func addRawFlags(fs *flag.FlagSet) rawFlags {
	return rawFlags{
		config: fs.String("config", "", "configuration `file` in force (taxonomy, gazetteer, district overrides)"),
		since:  fs.Duration("since", 720*time.Hour, "items ingested this long ago or later"),
		nats:   addNATSFlags(fs, "data `folder` of a stopped all-in-one hub, used when --nats is not given"),
	}
}

// open loads the configuration and connects; done releases both the
// connection and the interrupt handling.
func (f rawFlags) open() (cfg config.Config, ctx context.Context, js jetstream.JetStream, done func(), err error) {
	if *f.config == "" {
		cfg = config.Default()
	} else if cfg, err = config.Load(*f.config); err != nil {
		return cfg, nil, nil, nil, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	js, closeAll, err := f.nats.connect(ctx, cfg.NATS, toolLogger())
	if err != nil {
		stop()
		return cfg, nil, nil, nil, err
	}
	return cfg, ctx, js, func() { closeAll(); stop() }, nil
}

// natsFlags are how a command reaches Baken's streams: a NATS server or
// cluster (--nats, with credentials) or, for the all-in-one hub, its data
// folder (--data). Passwords and tokens are not flags (a process list shows
// flags): they come from the configuration's nats block, which reads them
// from the environment, or from BAKEN_NATS_USER, BAKEN_NATS_PASSWORD and
// BAKEN_NATS_TOKEN.
type natsFlags struct {
	url, data                  *string
	creds, nkey, ca, cert, key *string
}

func addNATSFlags(fs *flag.FlagSet, dataUsage string) natsFlags {
	return natsFlags{
		url:   fs.String("nats", "", "NATS `url` of a cluster, or of a hub started with --nats-listen (default: nats.url of the config)"),
		data:  fs.String("data", "./data", dataUsage),
		creds: fs.String("nats-creds", "", "NATS JWT credentials `file`"),
		nkey:  fs.String("nats-nkey", "", "NATS NKey seed `file`"),
		ca:    fs.String("nats-ca", "", "CA certificate `file` the NATS servers' certificates are checked against"),
		cert:  fs.String("nats-cert", "", "client certificate `file` for NATS TLS"),
		key:   fs.String("nats-key", "", "client key `file` for NATS TLS"),
	}
}

// resolve returns the NATS settings in force: the flags over the config's
// nats block, with user, password and token from the environment when the
// config gives none.
func (f natsFlags) resolve(n config.NATS) (config.NATS, error) {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&n.URL, *f.url)
	set(&n.Credentials, *f.creds)
	set(&n.NKeySeed, *f.nkey)
	set(&n.TLS.CA, *f.ca)
	set(&n.TLS.Cert, *f.cert)
	set(&n.TLS.Key, *f.key)
	if !n.HasAuth() {
		n.User, n.Password, n.Token = os.Getenv("BAKEN_NATS_USER"), os.Getenv("BAKEN_NATS_PASSWORD"), os.Getenv("BAKEN_NATS_TOKEN")
	}
	return n, n.Validate()
}

// connect returns a JetStream context and a function that closes it all.
func (f natsFlags) connect(ctx context.Context, n config.NATS, log *slog.Logger) (jetstream.JetStream, func(), error) {
	n, err := f.resolve(n)
	if err != nil {
		return nil, nil, err
	}
	var ns *server.Server
	var nc *nats.Conn
	if n.URL != "" {
		nc, err = bus.Connect(ctx, n.URL, "tool", n, log)
	} else {
		if ns, err = bus.Embedded(*f.data, "", n, log); err != nil {
			return nil, nil, err
		}
		nc, err = bus.InProcess(ns, "tool", n)
	}
	closeAll := func() {
		if nc != nil {
			_ = nc.Drain()
		}
		if ns != nil {
			ns.Shutdown()
			ns.WaitForShutdown()
		}
	}
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	return js, closeAll, nil
}

// readRaw calls fn with every raw item ingested since the given time, up to
// the last one stored when it starts.
func readRaw(ctx context.Context, js jetstream.JetStream, since time.Duration, fn func(item.Item) error) (int, error) {
	stream, err := js.Stream(ctx, bus.RawStream)
	if err != nil {
		return 0, fmt.Errorf("raw stream: %w", err)
	}
	last := stream.CachedInfo().State.LastSeq
	if last == 0 {
		return 0, nil
	}
	start := time.Now().Add(-since)
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartTimePolicy,
		OptStartTime:  &start,
	})
	if err != nil {
		return 0, fmt.Errorf("raw stream: %w", err)
	}
	n := 0
	for {
		msg, err := cons.Next(jetstream.FetchMaxWait(2 * time.Second))
		if err != nil {
			if err == jetstream.ErrNoMessages || ctx.Err() != nil {
				return n, ctx.Err() // nothing newer than since
			}
			return n, fmt.Errorf("raw stream: %w", err)
		}
		md, err := msg.Metadata()
		if err != nil {
			return n, err
		}
		var it item.Item
		if err := json.Unmarshal(msg.Data(), &it); err == nil {
			if err := fn(it); err != nil {
				return n, err
			}
			n++
		}
		if md.Sequence.Stream >= last {
			return n, nil
		}
	}
}
