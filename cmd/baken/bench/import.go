package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/cmd/baken/internal/fixture"
	"github.com/bakenhub/baken/pkg/bus"
)

const mb = 1 << 20

// idleAfter is how long after the import the idle hub's memory is read:
// after the second quiet tick of its idle release (cmd/baken/memory.go).
const idleAfter = 35 * time.Second

// importRun imports the fixtures into a fresh hub, then restarts it, and
// measures throughput, memory, disk and restart time, then serving.
func importRun(ctx context.Context, o options, b *board, set fixture.Set, fx *fixtures, ref float64, dir string, log *slog.Logger) error {
	var paths []string
	for _, f := range set.Feeds {
		paths = append(paths, "/feeds/"+f.ID+".rss")
	}
	cfg, err := writeConfig(dir, fx.url, paths, "@every 1h")
	if err != nil {
		return err
	}
	data := filepath.Join(dir, "data")
	h, err := startHub(o.baken, cfg, data)
	if err != nil {
		return err
	}
	if _, err := h.ready(ctx, 30*time.Second); err != nil {
		return err
	}
	nc, err := nats.Connect(h.nats)
	if err != nil {
		_ = h.stop()
		return fmt.Errorf("nats: %w", err)
	}
	js, _ := jetstream.New(nc)
	start := time.Now()
	deadline := start.Add(o.importTimeout)
	cpuProfile := filepath.Join(o.out, "cpu-import.pb.gz")
	if err := os.MkdirAll(o.out, 0o755); err == nil {
		go func() { _ = h.profile("profile?seconds=10", cpuProfile) }()
	}
	var halfRSS int64
	done := false
	var stored uint64
	lastLine := time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(250 * time.Millisecond)
		p := progress(ctx, js)
		stored = p.curated
		if time.Since(lastLine) >= 5*time.Second {
			lastLine = time.Now()
			fmt.Printf("  %5.1fs: %d raw, %d to classify and dedup, %d curated, RSS %d MB\n", time.Since(start).Seconds(), p.raw, p.pending, p.curated, h.rss()/mb)
		}
		if halfRSS == 0 && p.raw >= uint64(set.Items/2) {
			halfRSS = h.rss()
		}
		if p.raw >= uint64(set.Items) && p.pending == 0 {
			done = true
			break
		}
	}
	elapsed := time.Since(start)
	p := progress(ctx, js)
	if s, err := js.Stream(ctx, "KV_"+bus.DedupBucket); err == nil {
		st := s.CachedInfo().State
		fmt.Printf("dedup bucket: %d records, %d bytes live, %d deleted, %d bytes a record\n", st.Msgs, st.Bytes, st.NumDeleted, st.Bytes/max(st.Msgs, 1))
	}
	nc.Close()
	items := viewItems(h.http)
	fmt.Printf("import: %d of %d items on the raw stream, %d curated messages, %d items in the view, in %s (done: %v)\n",
		p.raw, set.Items, p.curated, items, elapsed.Round(time.Millisecond), done)
	rate := float64(p.raw) / elapsed.Seconds()
	note := ""
	if !done {
		note = fmt.Sprintf("cut off after %s with %d of %d items", o.importTimeout, p.raw-p.pending, set.Items)
		rate = float64(p.raw-min(p.raw, p.pending)) / elapsed.Seconds()
	}
	b.add(withRef(row{Figure: "import, end to end", Unit: "items/s", Baken: rate, Target: ">= 5000, >= 0.25x", Met: rate >= 5000 && rate >= 0.25*ref, Note: note}, "gofeed", ref))
	time.Sleep(2 * time.Second) // let the view settle
	endRSS := h.rss()
	if err := os.MkdirAll(o.out, 0o755); err == nil {
		name := filepath.Join(o.out, "heap-import.pb.gz")
		if err := h.profile("heap?gc=1", name); err == nil {
			fmt.Printf("heap profile after import: %s (go tool pprof -top %s)\n", name, name)
		}
	}
	b.add(row{Figure: "RSS at half the import", Unit: "MB", Baken: float64(halfRSS) / mb, Target: "<= 300", Met: halfRSS <= 300*mb})
	b.add(row{Figure: fmt.Sprintf("RSS peak during import (%d items)", set.Items), Unit: "MB", Baken: float64(h.peakRSS.Load()) / mb, Target: "<= 300", Met: h.peakRSS.Load() <= 300*mb})
	b.add(row{Figure: "RSS after import", Unit: "MB", Baken: float64(endRSS) / mb, Target: "<= 300, flat", Met: endRSS <= 300*mb})
	// Idle: JetStream's block caches expire 10 s after their last use, and
	// the hub hands memory freed since back to the system.
	time.Sleep(time.Until(start.Add(elapsed).Add(idleAfter)))
	idleRSS := h.rss()
	idleNote := ""
	if !done {
		idleNote = "not idle: classify and dedup still work the backlog"
	}
	b.add(row{Figure: fmt.Sprintf("RSS idle, %s after import", idleAfter), Unit: "MB", Baken: float64(idleRSS) / mb, Target: "<= 300", Met: idleRSS <= 300*mb, Note: idleNote})
	if err := h.stop(); err != nil {
		return err
	}

	// Disk beyond the raw and curated text.
	streams := filepath.Join(data, "jetstream", "$G", "streams")
	total := dirSize(data)
	text := dirSize(filepath.Join(streams, bus.RawStream)) + dirSize(filepath.Join(streams, bus.CuratedStream))
	// The classified stream is a hop: its messages go as dedup acks them,
	// so what it holds is the backlog of a cut-off import, not storage.
	hop := dirSize(filepath.Join(streams, bus.ClassifiedStream))
	perItem := float64(total-text-hop) / float64(max(stored, 1)) / 1024
	fmt.Printf("disk: %.1f MB in all, %.1f MB raw and curated streams; %s\n", float64(total)/mb, float64(text)/mb, diskShares(data, streams))
	diskNote := ""
	if hop >= mb {
		diskNote = fmt.Sprintf("%s's %.1f MB not counted: the backlog left to dedup", bus.ClassifiedStream, float64(hop)/mb)
	}
	b.add(row{Figure: "disk beyond raw+curated text", Unit: "KB/item", Baken: perItem, Target: "<= 4", Met: perItem <= 4, Note: diskNote})

	// Restart on the same data, its first seconds profiled.
	h, err = startHub(o.baken, cfg, data)
	if err != nil {
		return err
	}
	profiled := make(chan struct{})
	go func() {
		defer close(profiled)
		name := filepath.Join(o.out, "cpu-restart.pb.gz")
		for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(20 * time.Millisecond) {
			if h.profile("profile?seconds=5", name) == nil { // once the admin address answers
				fmt.Printf("CPU profile of the restart: %s\n", name)
				return
			}
		}
	}()
	took, err := h.ready(ctx, 120*time.Second)
	if err != nil {
		_ = h.stop()
		return err
	}
	b.add(row{Figure: fmt.Sprintf("restart to ready (%d items)", stored), Unit: "s", Baken: took.Seconds(), Target: "<= 3", Met: took <= 3*time.Second})
	time.Sleep(3 * time.Second)
	rss := h.rss()
	b.add(row{Figure: "RSS after restart", Unit: "MB", Baken: float64(rss) / mb, Target: "<= 300", Met: rss <= 300*mb})
	<-profiled
	if err := h.stop(); err != nil {
		return err
	}
	// Serving is measured on the publisher alone: an import cut off leaves
	// classify and dedup a backlog that would take the CPU from it.
	h, err = startHub(o.baken, cfg, data, "publish")
	if err != nil {
		return err
	}
	defer h.stop()
	if _, err := h.ready(ctx, 120*time.Second); err != nil {
		return err
	}
	return serveRun(ctx, o, b, h, dir)
}

type status struct{ raw, curated, pending uint64 }

// progress reads how far the pipeline is: messages on the raw and curated
// streams, and what classify and dedup still have to do.
func progress(ctx context.Context, js jetstream.JetStream) status {
	var st status
	if s, err := js.Stream(ctx, bus.RawStream); err == nil {
		st.raw = s.CachedInfo().State.Msgs
	}
	if s, err := js.Stream(ctx, bus.CuratedStream); err == nil {
		st.curated = s.CachedInfo().State.Msgs
	}
	for _, c := range []struct{ stream, name string }{{bus.RawStream, "classify"}, {bus.ClassifiedStream, "dedup"}} {
		ci, err := js.Consumer(ctx, c.stream, c.name)
		if err != nil {
			st.pending++
			continue
		}
		info := ci.CachedInfo()
		st.pending += info.NumPending + uint64(info.NumAckPending)
	}
	return st
}

func viewItems(addr string) int {
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var h struct {
		Items int `json:"items"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&h)
	return h.Items
}
