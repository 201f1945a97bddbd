package netguard

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestRule(t *testing.T) {
	tests := []struct {
		addr, rule string
	}{
		{"127.0.0.1", "loopback"},
		{"127.255.0.9", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"64:ff9b::7f00:1", "loopback"},
		{"2002:7f00:1::", "loopback"},
		{"10.0.0.1", "private"},
		{"172.16.5.4", "private"},
		{"192.168.1.1", "private"},
		{"::ffff:192.168.1.1", "private"},
		{"fc00::1", "private"},
		{"fd12:3456::1", "private"},
		{"169.254.169.254", "link-local"},
		{"::ffff:169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"100.64.0.1", "cgnat"},
		{"100.127.255.254", "cgnat"},
		{"224.0.0.1", "link-local"},
		{"239.1.2.3", "multicast"},
		{"ff02::1", "link-local"},
		{"ff05::2", "multicast"},
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "unspecified"},
		{"::", "unspecified"},
		{"255.255.255.255", "reserved"},
		{"198.18.0.1", "reserved"},
		{"2001:db8::1", "reserved"},
		// public addresses (never connected to in a test, only classified)
		{"8.8.8.8", ""},
		{"145.97.39.155", ""},
		{"100.128.0.1", ""},
		{"2a00:1450:4001::1", ""},
		{"::ffff:8.8.8.8", ""},
	}
	for _, tt := range tests {
		if got := Rule(netip.MustParseAddr(tt.addr)); got != tt.rule {
			t.Errorf("Rule(%s) = %q, want %q", tt.addr, got, tt.rule)
		}
	}
}

func TestPolicyAllows(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	hint := "set allow_private on this source to allow"
	err := Policy{Hint: hint}.Check(lo)
	if want := "refused 127.0.0.1: loopback; " + hint; err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if !errors.Is(err, ErrRefused) {
		t.Errorf("errors.Is(err, ErrRefused) = false")
	}
	if err := (Policy{AllowPrivate: true}).Check(lo); err != nil {
		t.Errorf("allow_private: %v", err)
	}
	allow, err := ParsePrefixes([]string{"127.0.0.0/30", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	p := Policy{Allow: allow}
	for _, a := range []string{"127.0.0.1", "127.0.0.3", "::1", "::ffff:127.0.0.2"} {
		if err := p.Check(netip.MustParseAddr(a)); err != nil {
			t.Errorf("%s in allow list: %v", a, err)
		}
	}
	for _, a := range []string{"127.0.0.4", "10.0.0.1"} {
		if err := p.Check(netip.MustParseAddr(a)); err == nil {
			t.Errorf("%s outside the allow list was allowed", a)
		}
	}
	if _, err := ParsePrefixes([]string{"10.0.0.0/33"}); err == nil {
		t.Error("bad CIDR accepted")
	}
}

func TestCheckHost(t *testing.T) {
	p := Policy{}
	for _, h := range []string{"localhost", "LOCALHOST.", "api.localhost", "127.0.0.1", "[::1]", "10.1.2.3", "127.1", "2130706433", "0x7f000001", "0x7f.1"} {
		if err := p.CheckHost(h); err == nil {
			t.Errorf("CheckHost(%s) allowed", h)
		}
	}
	for _, h := range []string{"www.politie.nl", "8.8.8.8", "112.nl", "feeds.0x.nl"} {
		if err := p.CheckHost(h); err != nil {
			t.Errorf("CheckHost(%s): %v", h, err)
		}
	}
}

// The dialer refuses loopback after resolution: a server on 127.0.0.1
// reached by address and by the name localhost.
func TestDialContextRefusesAfterResolution(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("secret")) }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	get := func(p Policy, host string) error {
		c := &http.Client{Transport: &http.Transport{DialContext: p.DialContext(5 * time.Second)}, Timeout: 5 * time.Second}
		resp, err := c.Get("http://" + net.JoinHostPort(host, port) + "/")
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	for _, host := range []string{"127.0.0.1", "localhost"} {
		err := get(Policy{}, host)
		var re *RefusedError
		if !errors.As(err, &re) || re.Rule != "loopback" {
			t.Errorf("%s: err = %v, want a loopback refusal", host, err)
		}
		if err := get(Policy{AllowPrivate: true}, host); err != nil {
			t.Errorf("%s with allow_private: %v", host, err)
		}
	}
}
