package hub

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bakenhub/baken/cmd/baken/internal/demo"
)

// editorToken opens the desk of the web tests' hub.
const editorToken = "token-voor-de-browsertest"

// webHub runs the whole hub on the demo fixtures with the desk open, its
// public URL its own loopback address (so every link on its pages works
// in a browser), and waits until its feeds and search hold every story.
func webHub(t *testing.T) *hubUnderTest {
	t.Helper()
	sources := httptest.NewServer(demo.Handler())
	t.Cleanup(sources.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg, err := demo.Config(sources.URL, "http://"+addr)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Publish.APIToken = editorToken
	h := startHubWith(t, Options{Config: cfg, DataDir: t.TempDir(), HTTPAddr: addr})
	t.Cleanup(func() { h.shutdown(t) })
	h.waitForItems(t, uniqueStories)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var res struct{ Total int }
		if err := json.Unmarshal(h.get(t, "/api/search?district="), &res); err == nil && res.Total >= uniqueStories {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the search index did not catch up within 20s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	return h
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn returns a client signed in to the desk as who.
func (h *hubUnderTest) signIn(t *testing.T, who string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(h.base + "/desk")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no login form on /desk:\n%s", body)
	}
	resp, err = c.PostForm(h.base+"/desk/login", url.Values{"who": {who}, "token": {editorToken}, "csrf": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Aangemeld als") {
		t.Fatalf("login failed: %s\n%s", resp.Status, body)
	}
	return c
}
