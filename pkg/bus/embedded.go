package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/bakenhub/baken/pkg/config"
)

// Embedded starts a NATS server with JetStream inside this process, storing
// under dir. With listen empty it opens no port: services connect through
// InProcess. With auth set, every client (in-process ones too) must give
// those credentials; listening beyond loopback requires them. The caller
// shuts it down with Shutdown and WaitForShutdown.
func Embedded(dir, listen string, auth config.NATS, log *slog.Logger) (*server.Server, error) {
	if err := serverAuthFor(listen, auth); err != nil {
		return nil, err
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	opts := &server.Options{
		ServerName: "baken",
		JetStream:  true,
		StoreDir:   dir,
		DontListen: listen == "",
		NoSigs:     true,
	}
	if listen != "" {
		host, port, err := splitHostPort(listen)
		if err != nil {
			unlock()
			return nil, fmt.Errorf("bus: embedded listen %q: %w", listen, err)
		}
		opts.Host, opts.Port = host, port
	}
	if err := serverAuth(opts, auth); err != nil {
		unlock()
		return nil, err
	}
	s, err := server.NewServer(opts)
	if err != nil {
		unlock()
		return nil, fmt.Errorf("bus: embedded server: %w", err)
	}
	go func() { s.WaitForShutdown(); unlock() }()
	s.SetLoggerV2(serverLog{log.With("component", "nats")}, false, false, false)
	s.Start()
	if !s.ReadyForConnections(30 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("bus: embedded server in %s not ready after 30s", dir)
	}
	return s, nil
}

// serverAuthFor refuses to open the embedded server beyond loopback
// without authentication: anyone on the network could read every stream
// and publish items.
func serverAuthFor(listen string, auth config.NATS) error {
	if listen == "" || auth.User != "" || auth.Token != "" || auth.NKeySeed != "" {
		return nil
	}
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("bus: embedded listen %q: %w", listen, err)
	}
	if !isLoopback(host) {
		return fmt.Errorf("bus: --nats-listen %s accepts clients from the network: set nats.user and nats.password (or nats.token, nats.nkey_seed) in the configuration so the embedded server requires them, or listen on 127.0.0.1", listen)
	}
	return nil
}

// InProcess connects to an embedded server without a socket, with the
// credentials the server was started with.
func InProcess(s *server.Server, name string, auth config.NATS) (*nats.Conn, error) {
	auth.TLS = config.NATSTLS{} // no socket, no TLS
	opts, err := clientAuth(auth)
	if err != nil {
		return nil, err
	}
	nc, err := nats.Connect("", append(opts, nats.InProcessServer(s), nats.Name("baken-"+name))...)
	if err != nil {
		return nil, fmt.Errorf("bus: connect %s in process: %w", name, err)
	}
	return nc, nil
}

// Connect dials an external NATS server or cluster with the configured
// credentials and keeps reconnecting. A server that does not answer yet
// (a cluster starting with its services) is dialled again with backoff
// until ctx is done or SetupTimeout has passed; refused credentials are
// an error at once.
func Connect(ctx context.Context, url, name string, auth config.NATS, log *slog.Logger) (*nats.Conn, error) {
	opts, err := clientAuth(auth)
	if err != nil {
		return nil, err
	}
	opts = append(opts,
		nats.Name("baken-"+name),
		nats.MaxReconnects(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) { log.Info("nats reconnected", "url", c.ConnectedUrl()) }),
	)
	ctx, cancel := context.WithTimeout(ctx, SetupTimeout)
	defer cancel()
	wait := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		nc, err := nats.Connect(url, opts...)
		if err == nil {
			return nc, nil
		}
		if errors.Is(err, nats.ErrAuthorization) || errors.Is(err, nats.ErrAuthExpired) || errors.Is(err, nats.ErrAuthRevoked) ||
			strings.Contains(strings.ToLower(err.Error()), "authorization") || attempt > 1 && ctx.Err() != nil {
			return nil, fmt.Errorf("bus: connect %s: %w", url, err)
		}
		log.Info("NATS not reachable yet, retrying", "url", url, "attempt", attempt, "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("bus: connect %s: %w", url, err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// serverLog routes the embedded server's log through slog.
type serverLog struct{ log *slog.Logger }

func (l serverLog) Noticef(f string, v ...any) { l.log.Debug(fmt.Sprintf(f, v...)) }
func (l serverLog) Warnf(f string, v ...any)   { l.log.Warn(fmt.Sprintf(f, v...)) }
func (l serverLog) Fatalf(f string, v ...any)  { l.log.Error(fmt.Sprintf(f, v...)) }
func (l serverLog) Errorf(f string, v ...any)  { l.log.Error(fmt.Sprintf(f, v...)) }
func (l serverLog) Debugf(f string, v ...any)  {}
func (l serverLog) Tracef(f string, v ...any)  {}
