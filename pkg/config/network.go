package config

import (
	"fmt"
	"slices"

	"github.com/bakenhub/baken/pkg/netguard"
)

// Network lets a source, or every source from the ingest section, reach
// addresses that are refused by default (loopback, private, link-local,
// ...; see pkg/netguard): all of them, or the ranges listed.
type Network struct {
	AllowPrivate bool     `yaml:"allow_private"`
	AllowCIDRs   []string `yaml:"allow_cidrs"` // "10.20.0.0/16", "192.168.1.7"
}

func (n Network) validate(field string) error {
	if _, err := netguard.ParsePrefixes(n.AllowCIDRs); err != nil {
		return fmt.Errorf("%s.allow_cidrs %w", field, err)
	}
	return nil
}

// Policy is the network policy for fetching src: the ingest section's
// allowances and the source's own.
func (in Ingest) Policy(src Source) (netguard.Policy, error) {
	cidrs := slices.Concat(in.AllowCIDRs, src.AllowCIDRs)
	allow, err := netguard.ParsePrefixes(cidrs)
	if err != nil {
		return netguard.Policy{}, err
	}
	return netguard.Policy{
		AllowPrivate: in.AllowPrivate || src.AllowPrivate,
		Allow:        allow,
		Hint:         "set allow_private (or allow_cidrs) on this source to allow",
	}, nil
}

// Policy is the network policy n describes alone (WebSub callbacks).
func (n Network) Policy(hint string) (netguard.Policy, error) {
	allow, err := netguard.ParsePrefixes(n.AllowCIDRs)
	if err != nil {
		return netguard.Policy{}, err
	}
	return netguard.Policy{AllowPrivate: n.AllowPrivate, Allow: allow, Hint: hint}, nil
}
