package bus

import (
	"context"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// A service that starts before its NATS server is up waits for it and
// then sets the streams up, instead of exiting: the cold start of a
// cluster whose processes all start at once.
func TestSetupWaitsForTheServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	nc, err := nats.Connect("nats://"+addr.String(), nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	done := make(chan error, 1)
	go func() {
		done <- SetupWait(context.Background(), js, DefaultOptions(), 30*time.Second, slog.New(slog.DiscardHandler))
	}()

	time.Sleep(700 * time.Millisecond) // the service is retrying meanwhile
	select {
	case err := <-done:
		t.Fatalf("setup returned before the server existed: %v", err)
	default:
	}
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: addr.Port, JetStream: true, StoreDir: t.TempDir(), NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer func() { s.Shutdown(); s.WaitForShutdown() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("setup did not finish after the server came up")
	}
	if _, err := js.Stream(context.Background(), RawStream); err != nil {
		t.Errorf("raw stream: %v", err)
	}
}

func TestSetupWaitGivesUp(t *testing.T) {
	nc, err := nats.Connect("nats://127.0.0.1:1", nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	err = SetupWait(context.Background(), js, DefaultOptions(), time.Second, slog.New(slog.DiscardHandler))
	if err == nil {
		t.Fatal("setup against no server succeeded")
	}
}
