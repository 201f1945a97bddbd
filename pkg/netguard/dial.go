package netguard

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// DialContext returns a dial function for an http.Transport that refuses,
// at connection time, every address p does not allow. It sees the address
// after DNS resolution, for the first request, each redirect and every
// later request alike.
func (p Policy) DialContext(timeout time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{
		Timeout:   timeout,
		KeepAlive: 30 * time.Second,
		ControlContext: func(_ context.Context, network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("netguard: %s %q: %w", network, address, err)
			}
			return p.Check(ap.Addr())
		},
	}
	return d.DialContext
}

// CheckHost checks a URL's host before the request goes to a proxy, which
// resolves names itself: an address literal and localhost are checked
// here, other names are left to the proxy's own egress rules.
func (p Policy) CheckHost(host string) error {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return p.Check(netip.AddrFrom4([4]byte{127, 0, 0, 1}))
	}
	a, err := netip.ParseAddr(strings.Trim(h, "[]"))
	if err != nil {
		if shorthandIPv4(h) {
			// 127.1, 2130706433, 0x7f000001: a proxy may read these as
			// addresses (inet_aton), so they are not passed on as names.
			return &RefusedError{Rule: "address in shorthand form", Hint: p.Hint}
		}
		return nil
	}
	return p.Check(a)
}

// ParsePrefixes reads CIDRs ("10.1.0.0/16") and single addresses.
func ParsePrefixes(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("%q: want a CIDR such as 10.1.0.0/16 or an address", s)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		pr, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("%q: want a CIDR such as 10.1.0.0/16 or an address", s)
		}
		out = append(out, pr.Masked())
	}
	return out, nil
}

// shorthandIPv4 reports a host made only of digits, dots and hex
// prefixes: an IPv4 address in one of the legacy forms, not a name.
func shorthandIPv4(h string) bool {
	if h == "" {
		return false
	}
	for _, part := range strings.Split(h, ".") {
		if part == "" {
			return false
		}
		digits := strings.TrimPrefix(part, "0x")
		if digits == "" {
			return false
		}
		for _, r := range digits {
			if !(r >= '0' && r <= '9' || part != digits && (r >= 'a' && r <= 'f')) {
				return false
			}
		}
	}
	return true
}
