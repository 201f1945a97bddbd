package bus

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"

	"github.com/bakenhub/baken/pkg/config"
)

// TestEmbeddedAuthentication: with credentials configured the embedded
// server (listening on loopback) refuses anonymous and wrong clients, and
// Connect and InProcess get in with the right ones.
func TestEmbeddedAuthentication(t *testing.T) {
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := kp.Seed()
	seedFile := filepath.Join(t.TempDir(), "baken.nk")
	if err := os.WriteFile(seedFile, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	other, _ := nkeys.CreateUser()
	otherSeed, _ := other.Seed()
	otherFile := filepath.Join(t.TempDir(), "other.nk")
	if err := os.WriteFile(otherFile, otherSeed, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		auth, wrong config.NATS
	}{
		{"user and password", config.NATS{User: "baken", Password: "p@ss$word"}, config.NATS{User: "baken", Password: "nope"}},
		{"token", config.NATS{Token: "s3cret-token"}, config.NATS{Token: "other"}},
		{"nkey", config.NATS{NKeySeed: seedFile}, config.NATS{NKeySeed: otherFile}},
	}
	log := slog.New(slog.DiscardHandler)
	var table strings.Builder
	fmt.Fprintf(&table, "%-18s %-10s %-10s %s\n", "method", "anonymous", "wrong", "right")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Embedded(t.TempDir(), "127.0.0.1:-1", tt.auth, log)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { s.Shutdown(); s.WaitForShutdown() }()
			url := s.ClientURL()
			result := func(a config.NATS) string {
				nc, err := Connect(context.Background(), url, "test", a, log)
				if err != nil {
					return "refused"
				}
				defer nc.Close()
				js, _ := jetstream.New(nc)
				if err := Setup(context.Background(), js, DefaultOptions()); err != nil {
					t.Errorf("setup with credentials: %v", err)
				}
				return "ok"
			}
			anon, wrong, right := result(config.NATS{}), result(tt.wrong), result(tt.auth)
			fmt.Fprintf(&table, "%-18s %-10s %-10s %s\n", tt.name, anon, wrong, right)
			if anon != "refused" || wrong != "refused" || right != "ok" {
				t.Errorf("anonymous %s, wrong %s, right %s", anon, wrong, right)
			}
			nc, err := InProcess(s, "test", tt.auth)
			if err != nil {
				t.Fatalf("in process with credentials: %v", err)
			}
			nc.Close()
		})
	}
	t.Logf("NATS authentication:\n%s", table.String())
}

func TestEmbeddedRefusesOpenListen(t *testing.T) {
	for _, listen := range []string{"0.0.0.0:4222", ":4222", "[::]:4222", "192.168.1.10:4222"} {
		_, err := Embedded(t.TempDir(), listen, config.NATS{}, slog.New(slog.DiscardHandler))
		if err == nil || !strings.Contains(err.Error(), "set nats.user and nats.password") {
			t.Errorf("%s without auth: %v", listen, err)
		}
	}
	if _, err := Embedded(t.TempDir(), "127.0.0.1:4222", config.NATS{Credentials: "x.creds"}, slog.New(slog.DiscardHandler)); err == nil {
		t.Error("JWT credentials accepted for the embedded server")
	}
}

// TestDeployNATSConfig starts a server from deploy/nats/n1.conf (its
// authorization as written, on loopback and without the routes to the
// other nodes) and connects the way deploy/config.yaml says.
func TestDeployNATSConfig(t *testing.T) {
	t.Setenv("BAKEN_NATS_PASSWORD", "wachtwoord-uit-baken.env")
	opts, err := server.ProcessConfigFile("../../deploy/nats/n1.conf")
	if err != nil {
		t.Fatal(err)
	}
	if len(opts.Users) != 1 || opts.Users[0].Username != "baken" || opts.Users[0].Password != "wachtwoord-uit-baken.env" {
		t.Fatalf("users from n1.conf: %+v", opts.Users)
	}
	opts.Host, opts.Port, opts.HTTPPort = "127.0.0.1", -1, 0
	opts.Cluster, opts.Routes = server.ClusterOpts{}, nil
	opts.StoreDir, opts.NoSigs = t.TempDir(), true
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer func() { s.Shutdown(); s.WaitForShutdown() }()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("not ready")
	}
	log := slog.New(slog.DiscardHandler)
	if nc, err := Connect(context.Background(), s.ClientURL(), "anonymous", config.NATS{}, log); err == nil {
		nc.Close()
		t.Error("an anonymous client got in")
	}
	nc, err := Connect(context.Background(), s.ClientURL(), "ingest", config.NATS{User: "baken", Password: "wachtwoord-uit-baken.env"}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	if err := Setup(context.Background(), js, DefaultOptions()); err != nil {
		t.Fatal(err)
	}
}
