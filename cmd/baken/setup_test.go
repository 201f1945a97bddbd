package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
)

func TestSetupCmd(t *testing.T) {
	s, err := bus.Embedded(t.TempDir(), "127.0.0.1:-1", config.NATS{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Shutdown(); s.WaitForShutdown() }()
	var out bytes.Buffer
	if err := setupCmd([]string{"--nats", s.ClientURL()}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "ready (1 replicas)") {
		t.Errorf("output: %s", out.String())
	}
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	for _, name := range []string{bus.RawStream, bus.CuratedStream, bus.AuditStream, bus.OutStream} {
		if _, err := js.Stream(context.Background(), name); err != nil {
			t.Errorf("stream %s: %v", name, err)
		}
	}
	if _, err := js.KeyValue(context.Background(), bus.FetchBucket); err != nil {
		t.Errorf("bucket: %v", err)
	}
}
