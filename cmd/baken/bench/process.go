package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/bakenhub/baken/cmd/baken/internal/fixture"
)

// gofeedRate parses every feed with a bare gofeed parser: items per second.
func gofeedRate(set fixture.Set) float64 {
	start := time.Now()
	n := 0
	for _, f := range set.Feeds {
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(f.Body))
		if err == nil {
			n += len(feed.Items)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

// fixtures serves the generated feeds under /feeds/<id>.rss and, for the
// polling run, an empty feed per source under /poll/<n>.rss, with ETags.
type fixtures struct {
	url   string
	srv   *http.Server
	polls atomic.Int64
}

func startFixtures(set fixture.Set, pollSources int) (*fixtures, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	bodies := map[string][]byte{}
	for _, f := range set.Feeds {
		bodies["/feeds/"+f.ID+".rss"] = f.Body
	}
	fx := &fixtures{url: "http://" + ln.Addr().String()}
	empty := []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Stil</title><link>https://stil.example.nl/</link><description>geen nieuws</description></channel></rss>`)
	modTime := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	fx.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := bodies[r.URL.Path]
		if strings.HasPrefix(r.URL.Path, "/poll/") {
			fx.polls.Add(1)
			body, ok = empty, true
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		sum := sha256.Sum256(body)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		http.ServeContent(w, r, "", modTime, bytes.NewReader(body))
	})}
	go func() { _ = fx.srv.Serve(ln) }()
	return fx, nil
}

func (fx *fixtures) close() { _ = fx.srv.Close() }

// writeConfig writes a configuration with one source per path.
func writeConfig(dir string, base string, paths []string, schedule string) (string, error) {
	var b strings.Builder
	b.WriteString("ingest:\n  allow_private: true\n  host_delay: 0s\n  max_items_per_poll: 0\n")
	fmt.Fprintf(&b, "  schedule: %q\npublish:\n  feed_size: 50\nsources:\n", schedule)
	for i, p := range paths {
		fmt.Fprintf(&b, "  - id: bron-%05d\n    name: Bron %d\n    url: %s%s\n    home: midden-nederland\n", i, i, base, p)
	}
	name := filepath.Join(dir, "config.yaml")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return name, os.WriteFile(name, []byte(b.String()), 0o644)
}

// hub is a running `baken run`.
type hub struct {
	cmd      *exec.Cmd
	http     string // host:port
	admin    string // host:port of the profiles
	nats     string // nats://host:port
	started  time.Time
	exited   chan error
	logFile  *os.File
	peakRSS  atomic.Int64
	stopPeak chan struct{}
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func startHub(binary, config, data string, services ...string) (*hub, error) {
	httpAddr, err := freePort()
	if err != nil {
		return nil, err
	}
	natsAddr, err := freePort()
	if err != nil {
		return nil, err
	}
	adminAddr, err := freePort()
	if err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(data+".log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	h := &hub{http: httpAddr, admin: adminAddr, nats: "nats://" + natsAddr, exited: make(chan error, 1), logFile: logFile, stopPeak: make(chan struct{})}
	h.cmd = exec.Command(binary, "run", "--config", config, "--data", data, "--http", httpAddr, "--nats-listen", natsAddr, "--log", "json", "--admin", adminAddr)
	h.cmd.Args = append(h.cmd.Args, services...)
	h.cmd.Stdout, h.cmd.Stderr = logFile, logFile
	h.started = time.Now()
	if err := h.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	go func() { h.exited <- h.cmd.Wait() }()
	go h.samplePeak()
	return h, nil
}

// samplePeak follows the resident memory until stop.
func (h *hub) samplePeak() {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-h.stopPeak:
			return
		case <-t.C:
			if rss := h.rss(); rss > h.peakRSS.Load() {
				h.peakRSS.Store(rss)
			}
		}
	}
}

// rss is the process's resident memory in bytes (VmRSS).
func (h *hub) rss() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", h.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// cpu is the process's user plus system time.
func (h *hub) cpu() time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", h.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

// ready waits for /healthz to answer 200; it returns when that was.
func (h *hub) ready(ctx context.Context, timeout time.Duration) (time.Duration, error) {
	deadline := time.Now().Add(timeout)
	c := http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case err := <-h.exited:
			return 0, fmt.Errorf("baken exited: %v (log %s)", err, h.logFile.Name())
		default:
		}
		// /readyz, not /healthz: ready is the view rebuilt from the
		// curated stream, feeds as full as before the restart.
		resp, err := c.Get("http://" + h.http + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(h.started), nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return 0, fmt.Errorf("baken not ready after %s (log %s)", timeout, h.logFile.Name())
}

// stop sends SIGTERM and waits for the process to exit.
func (h *hub) stop() error {
	close(h.stopPeak)
	_ = h.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-h.exited:
	case <-time.After(60 * time.Second):
		_ = h.cmd.Process.Kill()
		<-h.exited
	}
	return h.logFile.Close()
}

// dirSize sums the sizes of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// diskShares names the largest folders of the data folder and of its
// JetStream streams with their sizes: where the bytes per item go.
func diskShares(data, streams string) string {
	type share struct {
		name string
		size int64
	}
	var shares []share
	for _, dir := range []string{data, streams} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.IsDir() && e.Name() != "jetstream" {
				shares = append(shares, share{e.Name(), dirSize(filepath.Join(dir, e.Name()))})
			}
		}
	}
	slices.SortFunc(shares, func(a, b share) int { return cmp.Compare(b.size, a.size) })
	var parts []string
	for _, s := range shares[:min(len(shares), 8)] {
		parts = append(parts, fmt.Sprintf("%s %.1f MB", s.name, float64(s.size)/(1<<20)))
	}
	return strings.Join(parts, ", ")
}

// profile saves one of the hub's profiles (heap?gc=1, profile?seconds=10)
// as name.
func (h *hub) profile(which, name string) error {
	resp, err := http.Get("http://" + h.admin + "/debug/pprof/" + which)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}
