// Command bench is `make bench`: the scoreboard of issue 10. It generates
// distinct, realistic fixture feeds, parses them with bare gofeed (the
// reference for throughput), runs `baken run` on them as a separate process
// with its data on disk, and measures import throughput, resident memory,
// disk per item, restart time, serving against nginx with wrk, and polling
// 10,000 sources. It prints each figure as it is measured, then one table,
// and writes the table as JSON under -out.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/bakenhub/baken/cmd/baken/internal/fixture"
)

type options struct {
	baken         string
	out           string
	sources       int
	items         int
	copyRate      float64
	importTimeout time.Duration
	wrkDuration   time.Duration
	pollSources   int
	pollWindow    time.Duration
	keep          bool
	goBench       string
}

func main() {
	var o options
	flag.StringVar(&o.baken, "baken", "bin/baken", "the baken `binary` to measure")
	flag.StringVar(&o.out, "out", "bench/results", "`folder` for the JSON results")
	flag.IntVar(&o.sources, "sources", 200, "fixture feeds")
	flag.IntVar(&o.items, "items", 500, "items per fixture feed")
	flag.Float64Var(&o.copyRate, "copies", 0.1, "share of items that copy a story of another feed")
	flag.DurationVar(&o.importTimeout, "import-timeout", 240*time.Second, "longest wait for the import")
	flag.DurationVar(&o.wrkDuration, "wrk", 5*time.Second, "duration of each wrk run")
	flag.IntVar(&o.pollSources, "poll-sources", 10000, "sources in the polling run (0: skip)")
	flag.DurationVar(&o.pollWindow, "poll-window", 30*time.Second, "polling run: measured window after the first pass")
	flag.BoolVar(&o.keep, "keep", false, "keep the data folders")
	flag.StringVar(&o.goBench, "go-bench", "", "`file` with the output of the classify and dedup index Go benchmarks, for their rows (make bench writes it)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx := context.Background()
	b := &board{started: time.Now()}
	if err := run(ctx, o, b, log); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		b.print(os.Stdout)
		os.Exit(1)
	}
	b.print(os.Stdout)
	if err := b.save(o.out); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options, b *board, log *slog.Logger) error {
	tmp, err := os.MkdirTemp("", "baken-bench-")
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(tmp)
	}
	// nginx's workers run as another user and read the feed from here.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	fmt.Printf("machine: %s, %d cores, %s\n", cpuModel(), runtime.NumCPU(), time.Now().UTC().Format(time.RFC3339))
	gen := time.Now()
	set := fixture.Generate(fixture.Options{Sources: o.sources, Items: o.items, CopyRate: o.copyRate, Seed: 10})
	fmt.Printf("fixtures: %d feeds, %d items (%d copies of another feed's story), %.1f MB, made in %s\n",
		len(set.Feeds), set.Items, set.Copies, float64(set.Bytes)/1e6, time.Since(gen).Round(time.Millisecond))

	ref := gofeedRate(set)
	fmt.Printf("gofeed: %.0f items/s (one goroutine, same bytes)\n", ref)

	fx, err := startFixtures(set, o.pollSources)
	if err != nil {
		return err
	}
	defer fx.close()
	if err := importRun(ctx, o, b, set, fx, ref, filepath.Join(tmp, "import"), log); err != nil {
		return err
	}
	if o.pollSources > 0 {
		if err := pollRun(ctx, o, b, fx, filepath.Join(tmp, "poll")); err != nil {
			return err
		}
	}
	if o.goBench != "" {
		return goBenchRows(b, o.goBench)
	}
	return nil
}

// save writes the board as JSON, one file per run and latest.json.
func (b *board) save(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(b.report(), "", "  ")
	if err != nil {
		return err
	}
	name := filepath.Join(dir, b.started.UTC().Format("20060102T150405Z")+".json")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return err
	}
	fmt.Printf("results: %s\n", name)
	return os.WriteFile(filepath.Join(dir, "latest.json"), data, 0o644)
}
