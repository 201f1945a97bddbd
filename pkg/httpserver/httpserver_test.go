package httpserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// start serves h with limits l on loopback and returns its address.
func start(t *testing.T, h http.Handler, l Limits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(h, l)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func shortLimits() Limits {
	l := DefaultLimits()
	l.ReadHeader, l.Read, l.Idle = 300*time.Millisecond, 500*time.Millisecond, 300*time.Millisecond
	l.MaxBody = 1 << 10
	return l
}

// closedWithin reads from c until the server closes it, failing after max.
func closedWithin(t *testing.T, c net.Conn, max time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(max))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("connection still open after %v", max)
	}
	return time.Since(start)
}

// TestSlowClientsAreCutOff: a body that drips, headers that never end and
// an idle keep-alive are each closed after their timeout. Bounded: at most
// a few seconds, three connections, loopback only.
func TestSlowClientsAreCutOff(t *testing.T) {
	read := make(chan error, 1)
	addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.Copy(io.Discard, r.Body)
		select {
		case read <- err:
		default:
		}
		fmt.Fprint(w, "ok")
	}), shortLimits())
	var table strings.Builder
	fmt.Fprintf(&table, "%-22s %s\n", "client", "closed after")

	t.Run("slow body", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprint(c, "POST /x HTTP/1.1\r\nHost: baken\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
		done := make(chan struct{})
		go func() { // one byte every 100ms: 1000 bytes would take 100s
			defer close(done)
			for range 30 {
				time.Sleep(100 * time.Millisecond)
				if _, err := c.Write([]byte(" ")); err != nil {
					return
				}
			}
		}()
		d := closedWithin(t, c, 3*time.Second)
		<-done
		if err := <-read; err == nil {
			t.Error("the handler read the whole dripped body")
		}
		fmt.Fprintf(&table, "%-22s %v\n", "body at 10 B/s", d.Round(10*time.Millisecond))
	})
	t.Run("slow headers", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprint(c, "GET / HTTP/1.1\r\nHost: baken\r\n")
		d := closedWithin(t, c, 3*time.Second)
		fmt.Fprintf(&table, "%-22s %v\n", "unfinished headers", d.Round(10*time.Millisecond))
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprint(c, "GET / HTTP/1.1\r\nHost: baken\r\n\r\n")
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		d := closedWithin(t, c, 3*time.Second)
		fmt.Fprintf(&table, "%-22s %v\n", "idle after a response", d.Round(10*time.Millisecond))
	})
	t.Logf("slow clients:\n%s", table.String())
}

func TestBodyCapAndHeaders(t *testing.T) {
	var got error
	addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, got = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<p>ok</p>")
	}), shortLimits())
	resp, err := http.Post("http://"+addr+"/", "application/json", strings.NewReader(strings.Repeat("x", 4<<10)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var tooLarge *http.MaxBytesError
	if !errors.As(got, &tooLarge) {
		t.Errorf("a 4 KiB body over a 1 KiB cap was read: %v", got)
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
		"Content-Security-Policy": "frame-ancestors 'none'",
	} {
		if v := resp.Header.Get(h); !strings.Contains(v, want) {
			t.Errorf("%s = %q, want %q", h, v, want)
		}
	}
	// Script only from the hub's own files: no inline script, no eval.
	csp := map[string]string{}
	for _, d := range strings.Split(resp.Header.Get("Content-Security-Policy"), ";") {
		name, val, _ := strings.Cut(strings.TrimSpace(d), " ")
		csp[name] = val
	}
	if csp["script-src"] != "'self'" || csp["default-src"] != "'none'" {
		t.Errorf("CSP allows more script than the hub's own files: %q", resp.Header.Get("Content-Security-Policy"))
	}
}
