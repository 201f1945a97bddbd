package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
)

// setupCmd creates or updates every stream and bucket once, waiting for a
// cluster that is still starting: for operators who want it as a step of
// their own before the services start (they would do it themselves).
func setupCmd(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("setup", flag.ExitOnError)
	cfgPath := fs.String("config", "", "configuration `file` (nats block, dedup.retention)")
	replicas := fs.Int("replicas", 1, "stream and bucket replicas (3 on a three-node cluster)")
	timeout := fs.Duration("timeout", bus.SetupTimeout, "how long to wait for the cluster")
	nf := addNATSFlags(fs, "data `folder` of an all-in-one hub, used when --nats is not given")
	_ = fs.Parse(args)
	cfg := config.Default()
	var err error
	if *cfgPath != "" {
		if cfg, err = config.Load(*cfgPath); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := toolLogger()
	js, closeAll, err := nf.connect(ctx, cfg.NATS, log)
	if err != nil {
		return err
	}
	defer closeAll()
	opts := bus.DefaultOptions()
	opts.DedupRetention = cfg.Dedup.Retention
	opts.Replicas = *replicas
	if err := bus.SetupWait(ctx, js, opts, *timeout, log); err != nil {
		return err
	}
	fmt.Fprintf(out, "streams %s, %s, %s, %s, %s, %s and buckets %s, %s, %s ready (%d replicas)\n",
		bus.RawStream, bus.ClassifiedStream, bus.CuratedStream, bus.DeadStream, bus.AuditStream, bus.OutStream,
		bus.FetchBucket, bus.DedupBucket, bus.OverridesBucket, opts.Replicas)
	return nil
}
