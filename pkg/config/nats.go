package config

import (
	"errors"
	"fmt"
)

// NATS says how to reach and authenticate to a NATS server or cluster,
// and, for the embedded server opened with --nats-listen, what it asks of
// clients. Secrets belong in the environment: password: ${BAKEN_NATS_PASSWORD}.
type NATS struct {
	URL      string `yaml:"url"` // --nats overrides it
	User     string `yaml:"user"`
	Password string `yaml:"password"`
	Token    string `yaml:"token"`
	// NKeySeed and Credentials are files: an NKey seed ("SU..."), or a
	// JWT credentials file of an operator-mode account.
	NKeySeed    string  `yaml:"nkey_seed"`
	Credentials string  `yaml:"credentials"`
	TLS         NATSTLS `yaml:"tls"`
}

// NATSTLS is the client side of TLS: the CA that signed the servers'
// certificates, and a client certificate when the servers verify clients.
type NATSTLS struct {
	CA   string `yaml:"ca"`
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
}

// HasAuth reports whether any authentication is configured.
func (n NATS) HasAuth() bool {
	return n.User != "" || n.Token != "" || n.NKeySeed != "" || n.Credentials != ""
}

// Validate reports settings that do not go together.
func (n NATS) Validate() error {
	var errs []error
	switch {
	case n.User != "" && n.Password == "":
		errs = append(errs, errors.New("nats.password: required with nats.user"))
	case n.User == "" && n.Password != "":
		errs = append(errs, errors.New("nats.user: required with nats.password"))
	}
	methods := 0
	for _, set := range []bool{n.User != "", n.Token != "", n.NKeySeed != "", n.Credentials != ""} {
		if set {
			methods++
		}
	}
	if methods > 1 {
		errs = append(errs, errors.New("nats: give one of user/password, token, nkey_seed or credentials"))
	}
	if (n.TLS.Cert == "") != (n.TLS.Key == "") {
		errs = append(errs, fmt.Errorf("nats.tls: cert and key go together (cert %q, key %q)", n.TLS.Cert, n.TLS.Key))
	}
	return errors.Join(errs...)
}
