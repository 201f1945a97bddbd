package bus

import (
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"github.com/bakenhub/baken/pkg/config"
)

// clientAuth turns the configured credentials into connect options.
func clientAuth(a config.NATS) ([]nats.Option, error) {
	var opts []nats.Option
	switch {
	case a.User != "":
		opts = append(opts, nats.UserInfo(a.User, a.Password))
	case a.Token != "":
		opts = append(opts, nats.Token(a.Token))
	case a.NKeySeed != "":
		o, err := nats.NkeyOptionFromSeed(a.NKeySeed)
		if err != nil {
			return nil, fmt.Errorf("bus: nats.nkey_seed %s: %w", a.NKeySeed, err)
		}
		opts = append(opts, o)
	case a.Credentials != "":
		if _, err := os.Stat(a.Credentials); err != nil {
			return nil, fmt.Errorf("bus: nats.credentials: %w", err)
		}
		opts = append(opts, nats.UserCredentials(a.Credentials))
	}
	if a.TLS.CA != "" {
		opts = append(opts, nats.RootCAs(a.TLS.CA))
	}
	if a.TLS.Cert != "" {
		opts = append(opts, nats.ClientCert(a.TLS.Cert, a.TLS.Key))
	}
	return opts, nil
}

// serverAuth makes the embedded server ask clients for the configured
// credentials: user and password, a token, or the NKey of a seed.
func serverAuth(opts *server.Options, a config.NATS) error {
	switch {
	case a.User != "":
		opts.Users = []*server.User{{Username: a.User, Password: a.Password}}
	case a.Token != "":
		opts.Authorization = a.Token
	case a.NKeySeed != "":
		seed, err := os.ReadFile(a.NKeySeed)
		if err != nil {
			return fmt.Errorf("bus: nats.nkey_seed: %w", err)
		}
		kp, err := nkeys.ParseDecoratedNKey(seed)
		if err != nil {
			return fmt.Errorf("bus: nats.nkey_seed %s: %w", a.NKeySeed, err)
		}
		pub, err := kp.PublicKey()
		if err != nil {
			return fmt.Errorf("bus: nats.nkey_seed %s: %w", a.NKeySeed, err)
		}
		opts.Nkeys = []*server.NkeyUser{{Nkey: pub}}
	case a.Credentials != "":
		return fmt.Errorf("bus: the embedded server cannot check JWT credentials; use user/password, token or nkey_seed, or an operator-mode cluster")
	}
	return nil
}

// isLoopback reports whether a listen host only accepts this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
