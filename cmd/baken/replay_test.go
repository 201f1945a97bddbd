package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/bakenhub/baken/cmd/baken/internal/demo"
	"github.com/bakenhub/baken/cmd/baken/internal/hub"
	"github.com/bakenhub/baken/pkg/config"
)

const factsheet = "Factsheet stand van zaken Ondermijningswetgeving"

// dtn is the title of the NCTV's DTN item in the demo.
const dtn = "Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen"

// narrowTaxonomy knows one theme, and not the word the factsheet is about.
const narrowTaxonomy = `themes:
  - id: terrorisme
    label: Terrorisme
    threshold: 2
    terms:
      dreigingsniveau: 3
`

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// themesOf returns the theme ids the hub shows for the item with title.
func themesOf(t *testing.T, base, title string) []string {
	t.Helper()
	resp, err := http.Get(base + "/feeds/all.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var f struct {
		Items []struct {
			Title string   `json:"title"`
			Tags  []string `json:"tags"`
		} `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&f); err != nil {
		t.Fatal(err)
	}
	for _, it := range f.Items {
		if it.Title == title {
			return it.Tags
		}
	}
	return nil
}

// TestBacktestAndReplay runs the demo hub with its NATS port open, then
// backtests a narrower taxonomy (nothing changes) and replays with it (the
// feeds change).
func TestBacktestAndReplay(t *testing.T) {
	sources := httptest.NewServer(demo.Handler())
	defer sources.Close()
	cfg, err := demo.Config(sources.URL, "http://baken.test")
	if err != nil {
		t.Fatal(err)
	}
	// The embedded server asks for a password; the tools give it from
	// the environment.
	cfg.NATS = config.NATS{User: "baken", Password: "test-wachtwoord"}
	t.Setenv("BAKEN_NATS_USER", "baken")
	t.Setenv("BAKEN_NATS_PASSWORD", "test-wachtwoord")
	natsAddr := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- hub.Run(ctx, hub.Options{Config: cfg, DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", NATSListen: natsAddr,
			Log: slog.New(slog.DiscardHandler), Listening: func(a string) { addr <- a }})
	}()
	defer func() { cancel(); <-done }()
	base := "http://" + <-addr
	deadline := time.Now().Add(30 * time.Second)
	// Both items the test looks at must be in before the raw stream is read.
	for !strings.Contains(strings.Join(themesOf(t, base, factsheet), ","), "ondermijning") ||
		!strings.Contains(strings.Join(themesOf(t, base, dtn), ","), "terrorisme") {
		if time.Now().After(deadline) {
			t.Fatal("the factsheet never reached the ondermijning feed, or the DTN item the terrorisme feed")
		}
		time.Sleep(100 * time.Millisecond)
	}

	if nc, err := nats.Connect("nats://"+natsAddr, nats.MaxReconnects(0)); err == nil {
		nc.Close()
		t.Fatal("an anonymous client connected to the hub's NATS")
	}
	tax := filepath.Join(t.TempDir(), "taxonomy.yaml")
	if err := os.WriteFile(tax, []byte(narrowTaxonomy), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := backtestCmd([]string{"--nats", "nats://" + natsAddr, "--taxonomy", tax}, &out); err != nil {
		t.Fatal(err)
	}
	report := out.String()
	if !strings.Contains(report, "-ondermijning") || !strings.Contains(report, factsheet) {
		t.Errorf("backtest does not show the factsheet losing ondermijning:\n%s", report)
	}
	if got := themesOf(t, base, factsheet); !strings.Contains(strings.Join(got, ","), "ondermijning") {
		t.Errorf("backtest changed the feeds: factsheet themes %v", got)
	}

	cfgFile := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfgFile, []byte("classify:\n  taxonomy: "+tax+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := replayCmd([]string{"--nats", "nats://" + natsAddr, "--config", cfgFile}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "replayed") {
		t.Errorf("replay output: %s", out.String())
	}
	deadline = time.Now().Add(30 * time.Second)
	for strings.Contains(strings.Join(themesOf(t, base, factsheet), ","), "ondermijning") {
		if time.Now().After(deadline) {
			t.Fatal("after replay the factsheet is still in ondermijning")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The DTN item keeps terrorisme: the narrow taxonomy still has it.
	if got := themesOf(t, base, dtn); strings.Join(got, ",") != "terrorisme" {
		t.Errorf("DTN themes after replay %v, want [terrorisme]", got)
	}
}
