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
		nats:   addNATSFlags(fs),
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
	js, closeAll, err := f.nats.connect(ctx, newLogger("text", false))
	if err != nil {
		stop()
		return cfg, nil, nil, nil, err
	}
	return cfg, ctx, js, func() { closeAll(); stop() }, nil
}

// natsFlags are how the offline tools reach Baken's streams: a running
// hub's NATS (--nats) or, with the hub stopped, its data folder (--data).
type natsFlags struct {
	url  *string
	data *string
}

func addNATSFlags(fs *flag.FlagSet) natsFlags {
	return natsFlags{
		url:  fs.String("nats", "", "NATS `url` of a running hub (baken run --nats-listen) or cluster"),
		data: fs.String("data", "./data", "data `folder` of a stopped all-in-one hub, used when --nats is not given"),
	}
}

// connect returns a JetStream context and a function that closes it all.
func (f natsFlags) connect(ctx context.Context, log *slog.Logger) (jetstream.JetStream, func(), error) {
	var ns *server.Server
	var nc *nats.Conn
	var err error
	if *f.url != "" {
		nc, err = bus.Connect(*f.url, "tool", log)
	} else {
		if ns, err = bus.Embedded(*f.data, "", log); err != nil {
			return nil, nil, err
		}
		nc, err = bus.InProcess(ns, "tool")
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
