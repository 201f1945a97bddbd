package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// pollRun starts a hub on n sources that answer 304 after the first poll
// and measures the CPU a poll takes, scaled to a 15-minute cycle.
func pollRun(ctx context.Context, o options, b *board, fx *fixtures, dir string) error {
	paths := make([]string, o.pollSources)
	for i := range paths {
		paths[i] = fmt.Sprintf("/poll/%d.rss", i)
	}
	cfg, err := writeConfig(dir, fx.url, paths, "@every 15s")
	if err != nil {
		return err
	}
	h, err := startHub(o.baken, cfg, filepath.Join(dir, "data"))
	if err != nil {
		return err
	}
	defer h.stop()
	if _, err := h.ready(ctx, 60*time.Second); err != nil {
		return err
	}
	first := fx.polls.Load()
	for deadline := time.Now().Add(60 * time.Second); fx.polls.Load()-first < int64(o.pollSources) && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	polls0, cpu0 := fx.polls.Load(), h.cpu()
	time.Sleep(o.pollWindow)
	polls, cpu := fx.polls.Load()-polls0, h.cpu()-cpu0
	rss := h.rss()
	perPoll := cpu / time.Duration(max(polls, 1))
	share := float64(perPoll) * float64(o.pollSources) / float64(15*time.Minute) * 100
	fmt.Printf("polling: %d polls in %s, %s CPU, %s a poll\n", polls, o.pollWindow, cpu, perPoll)
	b.add(row{Figure: fmt.Sprintf("polling %d sources, 15-min cycle", o.pollSources), Unit: "% core", Baken: share, Target: "< 5", Met: share < 5})
	b.add(row{Figure: fmt.Sprintf("RSS polling %d sources", o.pollSources), Unit: "MB", Baken: float64(rss) / mb, Target: "< 300", Met: rss < 300*mb})
	return nil
}
