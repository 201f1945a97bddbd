package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/item"
)

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
