// Package natstest starts real NATS servers with JetStream for tests.
package natstest

import (
	"context"
	"log/slog"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
)

// Run starts an embedded JetStream server storing in dir (a fresh temp
// folder when dir is empty) and shuts it down when the test ends.
func Run(t testing.TB, dir string) *server.Server {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	s, err := bus.Embedded(dir, "", config.NATS{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return s
}

// Connect opens an in-process connection, sets up Baken's streams and
// returns both; the connection closes when the test ends.
func Connect(t testing.TB, s *server.Server) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := bus.InProcess(s, t.Name(), config.NATS{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Setup(context.Background(), js, bus.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	return nc, js
}
