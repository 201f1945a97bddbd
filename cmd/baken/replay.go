package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
	"github.com/bakenhub/baken/services/classify"
)

// replayCmd runs the raw items of a period through the current taxonomy
// and gazetteer again and hands them to dedup, which passes on only the
// items whose classification changed.
func replayCmd(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ExitOnError)
	rf := addRawFlags(fs)
	_ = fs.Parse(args)
	cfg, ctx, js, done, err := rf.open()
	if err != nil {
		return err
	}
	defer done()
	cl, err := classify.New(cfg.Classify)
	if err != nil {
		return err
	}
	n, err := readRaw(ctx, js, *rf.since, func(it item.Item) error {
		return stage.Publish(ctx, js, bus.ClassifiedSubject, cl.Apply(it))
	})
	fmt.Fprintf(out, "replayed %d raw items of the last %s through classify; dedup republishes those that changed\n", n, *rf.since)
	return err
}
