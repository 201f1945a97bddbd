// Package netguard decides which addresses Baken may connect to on behalf
// of URLs that outsiders control (feeds, scraped pages, the links inside
// them, subscribers' callbacks). By default every address that is not on
// the public internet is refused: loopback, private, link-local (the cloud
// metadata address among them), CGNAT, multicast, unspecified and
// reserved ranges, also when written as an IPv4-mapped or NAT64 IPv6
// address. The check runs on the address a connection is actually made
// to, after DNS resolution, so a name that resolves to an internal
// address is refused too, and DNS rebinding with it.
package netguard

import (
	"errors"
	"fmt"
	"net/netip"
)

// Policy says which refused addresses a source may still reach.
type Policy struct {
	// AllowPrivate lets every non-public address through.
	AllowPrivate bool
	// Allow lets these ranges through (a proxy, an intranet feed server).
	Allow []netip.Prefix
	// Hint ends the refusal message: what to set to allow the address.
	Hint string
}

// RefusedError is a connection the policy does not allow.
type RefusedError struct {
	Addr netip.Addr
	Rule string // "loopback", "private", "link-local", ...
	Hint string
}

func (e *RefusedError) Error() string {
	msg := fmt.Sprintf("refused %s: %s", e.Addr, e.Rule)
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// ErrRefused is what every RefusedError matches with errors.Is.
var ErrRefused = errors.New("address refused")

// Is makes errors.Is(err, ErrRefused) true for a RefusedError.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// Check returns nil when addr may be connected to, else a *RefusedError
// that names the address and the rule.
func (p Policy) Check(addr netip.Addr) error {
	rule := Rule(addr)
	if rule == "" || p.AllowPrivate {
		return nil
	}
	for _, pr := range p.Allow {
		if pr.Contains(addr.Unmap()) || pr.Contains(addr) {
			return nil
		}
	}
	return &RefusedError{Addr: addr, Rule: rule, Hint: p.Hint}
}

// Rule names the range addr falls in when it is not a public address, or
// returns "" for a public one.
func Rule(addr netip.Addr) string {
	if !addr.IsValid() {
		return "invalid address"
	}
	addr = addr.WithZone("")
	if v4, ok := embeddedV4(addr); ok {
		addr = v4
	}
	switch {
	case addr.IsLoopback():
		return "loopback"
	case addr.IsUnspecified():
		return "unspecified"
	case addr.IsPrivate():
		return "private"
	case addr.IsLinkLocalUnicast(), addr.IsLinkLocalMulticast():
		return "link-local"
	case addr.IsMulticast(), addr.IsInterfaceLocalMulticast():
		return "multicast"
	}
	for _, r := range reserved {
		if r.prefix.Contains(addr) {
			return r.rule
		}
	}
	return ""
}

// reserved are the ranges netip's predicates do not cover.
var reserved = []struct {
	prefix netip.Prefix
	rule   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified"},    // "this network"
	{netip.MustParsePrefix("100.64.0.0/10"), "cgnat"},      // RFC 6598
	{netip.MustParsePrefix("192.0.0.0/24"), "reserved"},    // IETF protocol assignments
	{netip.MustParsePrefix("192.0.2.0/24"), "reserved"},    // TEST-NET-1
	{netip.MustParsePrefix("198.18.0.0/15"), "reserved"},   // benchmarking
	{netip.MustParsePrefix("198.51.100.0/24"), "reserved"}, // TEST-NET-2
	{netip.MustParsePrefix("203.0.113.0/24"), "reserved"},  // TEST-NET-3
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},     // future use and broadcast
	{netip.MustParsePrefix("100::/64"), "reserved"},        // discard-only
	{netip.MustParsePrefix("2001:db8::/32"), "reserved"},   // documentation
	{netip.MustParsePrefix("fec0::/10"), "private"},        // deprecated site-local
	{netip.MustParsePrefix("2001::/23"), "reserved"},       // IETF protocol assignments (Teredo included)
	{netip.MustParsePrefix("::/96"), "reserved"},           // IPv4-compatible (deprecated)
}

// Prefixes that carry an IPv4 address in their last 32 bits: the check
// applies to that address.
var (
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	nat64Local = netip.MustParsePrefix("64:ff9b:1::/48")
)

// embeddedV4 returns the IPv4 address inside an IPv4-mapped, NAT64 or
// 6to4 address.
func embeddedV4(a netip.Addr) (netip.Addr, bool) {
	if a.Is4In6() {
		return a.Unmap(), true
	}
	if !a.Is6() {
		return a, false
	}
	b := a.As16()
	switch {
	case nat64.Contains(a), nat64Local.Contains(a):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
	case b[0] == 0x20 && b[1] == 0x02: // 6to4, 2002::/16
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), true
	}
	return a, false
}
