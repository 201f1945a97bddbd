package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what one wrk run measured.
type wrkResult struct {
	rps float64
	p99 time.Duration
}

var (
	rpsRe = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	p99Re = regexp.MustCompile(`\s99%\s+([0-9.]+)(us|ms|s)`)
)

// runWrk loads url with 64 connections on 2 threads for d.
func runWrk(url string, d time.Duration, headers ...string) (wrkResult, error) {
	args := []string{"-t2", "-c64", "-d" + strconv.Itoa(int(d.Seconds())) + "s", "--latency"}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	out, err := exec.Command("wrk", append(args, url)...).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %w: %s", url, err, out)
	}
	var r wrkResult
	if m := rpsRe.FindSubmatch(out); m != nil {
		r.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	if m := p99Re.FindSubmatch(out); m != nil {
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(m[2])]
		r.p99 = time.Duration(v * float64(unit))
	}
	if bytes.Contains(out, []byte("Non-2xx or 3xx")) {
		return r, fmt.Errorf("wrk %s: error responses: %s", url, out)
	}
	return r, nil
}

// startNginx serves dir on a free loopback port with gzip_static; it
// returns the base URL and a stop function.
func startNginx(dir string) (string, func(), error) {
	addr, err := freePort()
	if err != nil {
		return "", nil, err
	}
	conf := fmt.Sprintf(`daemon off;
worker_processes auto;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %[1]s/tmp; proxy_temp_path %[1]s/tmp; fastcgi_temp_path %[1]s/tmp; uwsgi_temp_path %[1]s/tmp; scgi_temp_path %[1]s/tmp;
  types { application/atom+xml atom; }
  sendfile on; tcp_nopush on; keepalive_requests 1000000;
  gzip_static on; gzip_vary on;
  server { listen %[2]s; root %[1]s/www; }
}
`, dir, addr)
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		return "", nil, err
	}
	cmd := exec.Command("nginx", "-c", filepath.Join(dir, "nginx.conf"), "-p", dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	url := "http://" + addr
	for range 100 {
		if resp, err := http.Get(url + "/all.atom"); err == nil {
			resp.Body.Close()
			return url, stop, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("nginx did not start (%s)", dir)
}

// settledFeed fetches url until two fetches a second apart give one ETag:
// the hot feed both servers serve must be one version, or a 304 run
// would count full answers to a stale ETag.
func settledFeed(url string, timeout time.Duration) ([]byte, string, error) {
	deadline := time.Now().Add(timeout)
	var last string
	for {
		resp, err := identityGet(http.MethodGet, url)
		if err != nil {
			return nil, "", err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, "", err
		}
		etag := resp.Header.Get("ETag")
		if etag != "" && etag == last {
			return body, etag, nil
		}
		if time.Now().After(deadline) {
			return nil, "", fmt.Errorf("%s: still changing after %s", url, timeout)
		}
		last = etag
		time.Sleep(time.Second)
	}
}

// conditionalStatus is the status url answers a GET with If-None-Match
// etag with, as wrk's 304 run sends it (no Accept-Encoding): wrk counts a
// 200 as a success too, so each side is checked this way after the run.
func conditionalStatus(url, etag string) int {
	resp, err := identityGet(http.MethodGet, url, "If-None-Match", etag)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// identityGet asks for the uncompressed representation, as wrk does: Go's
// client would ask for gzip, and nginx's gzip_static gives the .gz file
// an ETag of its own, which the plain file does not answer 304 to.
func identityGet(method, url string, header ...string) (*http.Response, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept-Encoding", "identity")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return http.DefaultClient.Do(req)
}

// serveRun measures a hot feed of the hub against nginx serving the same
// bytes as a static file: plain, conditional and gzip.
func serveRun(_ context.Context, o options, b *board, h *hub, dir string) error {
	feedURL := "http://" + h.http + "/feeds/all.atom"
	body, etag, err := settledFeed(feedURL, 30*time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("feed: %s, %d bytes, ETag %s\n", feedURL, len(body), etag)

	_, errWrk := exec.LookPath("wrk")
	_, errNginx := exec.LookPath("nginx")
	if errWrk != nil {
		fmt.Println("serving: wrk is not installed (apt-get install wrk): serving not measured")
		return nil
	}
	nginxURL := ""
	if errNginx != nil {
		fmt.Println("serving: nginx is not installed (apt-get install nginx): Baken's side alone")
	} else {
		www := filepath.Join(dir, "nginx", "www")
		if err := os.MkdirAll(www, 0o755); err != nil {
			return err
		}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		if err := os.WriteFile(filepath.Join(www, "all.atom"), body, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(www, "all.atom.gz"), gz.Bytes(), 0o644); err != nil {
			return err
		}
		url, stop, err := startNginx(filepath.Join(dir, "nginx"))
		if err != nil {
			fmt.Println("serving: nginx did not start:", err, "- Baken's side alone")
		} else {
			defer stop()
			nginxURL = url + "/all.atom"
		}
	}
	nginxETag := ""
	if nginxURL != "" {
		if r, err := identityGet(http.MethodHead, nginxURL); err == nil {
			r.Body.Close()
			nginxETag = r.Header.Get("ETag")
		}
	}
	cases := []struct {
		name        string
		baken       []string
		nginx       []string
		notModified bool // every answer must be a 304
	}{
		{name: "hot feed, 64 connections", baken: nil, nginx: nil},
		{name: "304 (If-None-Match)", baken: []string{"If-None-Match: " + etag}, nginx: []string{"If-None-Match: " + nginxETag}, notModified: true},
		{name: "gzip (Accept-Encoding)", baken: []string{"Accept-Encoding: gzip"}, nginx: []string{"Accept-Encoding: gzip"}},
	}
	for _, c := range cases {
		bk, err := runWrk(feedURL, o.wrkDuration, c.baken...)
		if err != nil {
			return err
		}
		var ng wrkResult
		if nginxURL != "" {
			if ng, err = runWrk(nginxURL, o.wrkDuration, c.nginx...); err != nil {
				return err
			}
		}
		if c.notModified {
			if st := conditionalStatus(feedURL, etag); st != http.StatusNotModified {
				return fmt.Errorf("%s: baken answers %d to the run's request", c.name, st)
			}
			if st := conditionalStatus(nginxURL, nginxETag); nginxURL != "" && st != http.StatusNotModified {
				return fmt.Errorf("%s: nginx answers %d to the run's request", c.name, st)
			}
		}
		r := withRef(row{Figure: c.name, Unit: "req/s", Baken: bk.rps, Target: ">= 0.5x nginx"}, "nginx", ng.rps)
		r.Met = r.Ratio != nil && *r.Ratio >= 0.5
		b.add(r)
		p := withRef(row{Figure: "  p99 latency, " + c.name, Unit: "ms", Baken: float64(bk.p99) / 1e6, Target: "reported"}, "nginx", float64(ng.p99)/1e6)
		p.Met = true
		b.add(p)
	}
	// Bytes on the wire with gzip.
	bg := wireBytes(feedURL)
	if nginxURL != "" {
		r := withRef(row{Figure: "gzip bytes of the hot feed", Unit: "bytes", Baken: float64(bg), Target: "<= 1.1x nginx"}, "nginx", float64(wireBytes(nginxURL)))
		r.Met = *r.Ratio <= 1.1
		b.add(r)
	}
	return nil
}

// wireBytes is the body size sent to a client that accepts gzip.
func wireBytes(url string) int {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, resp.Body)
	if !strings.Contains(resp.Header.Get("Content-Encoding"), "gzip") {
		fmt.Printf("  %s: not compressed\n", url)
	}
	return int(n)
}
