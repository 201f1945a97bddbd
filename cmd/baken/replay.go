package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
	"github.com/bakenhub/baken/services/classify"
)

// replayCmd runs the raw items of a period through the current taxonomy
// and gazetteer again and hands them to dedup, which passes on only the
// items whose classification changed.
func replayCmd(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ExitOnError)
	cfgPath := fs.String("config", "", "configuration `file` (taxonomy, gazetteer, district overrides)")
	since := fs.Duration("since", 720*time.Hour, "replay items ingested this long ago or later")
	nf := addNATSFlags(fs)
	_ = fs.Parse(args)
	cfg, err := loadOrDefault(*cfgPath)
	if err != nil {
		return err
	}
	cl, err := classify.New(cfg.Classify)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	js, closeAll, err := nf.connect(ctx, newLogger("text", false))
	if err != nil {
		return err
	}
	defer closeAll()
	n, err := readRaw(ctx, js, *since, func(it item.Item) error {
		return stage.Publish(ctx, js, bus.ClassifiedSubject, cl.Apply(it))
	})
	fmt.Fprintf(out, "replayed %d raw items of the last %s through classify; dedup republishes those that changed\n", n, *since)
	return err
}

func loadOrDefault(path string) (config.Config, error) {
	if path == "" {
		return config.Default(), nil
	}
	return config.Load(path)
}
