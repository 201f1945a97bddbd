package bus

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// Embedded starts a NATS server with JetStream inside this process, storing
// under dir. With listen empty it opens no port: services connect through
// InProcess. The caller shuts it down with Shutdown and WaitForShutdown.
func Embedded(dir, listen string, log *slog.Logger) (*server.Server, error) {
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

// InProcess connects to an embedded server without a socket.
func InProcess(s *server.Server, name string) (*nats.Conn, error) {
	nc, err := nats.Connect("", nats.InProcessServer(s), nats.Name("baken-"+name))
	if err != nil {
		return nil, fmt.Errorf("bus: connect %s in process: %w", name, err)
	}
	return nc, nil
}

// Connect dials an external NATS server or cluster and keeps reconnecting.
func Connect(url, name string, log *slog.Logger) (*nats.Conn, error) {
	nc, err := nats.Connect(url,
		nats.Name("baken-"+name),
		nats.MaxReconnects(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) { log.Info("nats reconnected", "url", c.ConnectedUrl()) }),
	)
	if err != nil {
		return nil, fmt.Errorf("bus: connect %s: %w", url, err)
	}
	return nc, nil
}

// serverLog routes the embedded server's log through slog.
type serverLog struct{ log *slog.Logger }

func (l serverLog) Noticef(f string, v ...any) { l.log.Debug(fmt.Sprintf(f, v...)) }
func (l serverLog) Warnf(f string, v ...any)   { l.log.Warn(fmt.Sprintf(f, v...)) }
func (l serverLog) Fatalf(f string, v ...any)  { l.log.Error(fmt.Sprintf(f, v...)) }
func (l serverLog) Errorf(f string, v ...any)  { l.log.Error(fmt.Sprintf(f, v...)) }
func (l serverLog) Debugf(f string, v ...any)  {}
func (l serverLog) Tracef(f string, v ...any)  {}
