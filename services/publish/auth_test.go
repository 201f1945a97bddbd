package publish

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/stage"
)

// TestAuthMatrix: every write route and the audit trail need the token;
// with none configured they are closed; only JSON bodies are read, so a
// cross-site form post never gets through.
func TestAuthMatrix(t *testing.T) {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	items := testItems()
	for _, it := range items {
		if err := stage.Publish(context.Background(), js, bus.CuratedItemSubject(it.ID), it); err != nil {
			t.Fatal(err)
		}
	}
	servers := map[string]*httptest.Server{}
	for _, token := range []string{"", testToken} {
		opts := testOptions
		opts.APIToken = token
		p, srv := runPublisher(t, js, opts)
		waitFor(t, "the items", func() bool { return p.View().Held() == 3 })
		servers[token] = srv
	}
	hide := `{"item_id":"` + items[2].ID + `","action":"hide","who":"redactie@rvs","why":"test"}`
	routes := []struct {
		method, path, ctype, body string
	}{
		{"POST", "/api/overrides", "application/json", hide},
		{"POST", "/api/overrides", "application/json; charset=utf-8", hide},
		{"GET", "/api/overrides/audit", "", ""},
		{"POST", "/api/overrides", "application/x-www-form-urlencoded", "item_id=x&action=hide"},
		{"POST", "/api/overrides", "text/plain", hide},
		{"POST", "/api/overrides", "multipart/form-data; boundary=x", hide},
		{"POST", "/api/overrides", "", hide},
	}
	sent := []struct{ name, header string }{
		{"none", ""},
		{"wrong", "Bearer nietgoed"},
		{"no scheme", testToken},
		{"right", "Bearer " + testToken},
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-10s %-10s %-5s %-21s %-34s %s\n", "configured", "sent", "verb", "route", "content type", "status")
	refused, allowed := 0, 0
	for _, configured := range []string{"", testToken} {
		for _, rt := range routes {
			for _, tok := range sent {
				req, _ := http.NewRequest(rt.method, servers[configured].URL+rt.path, strings.NewReader(rt.body))
				if rt.ctype != "" {
					req.Header.Set("Content-Type", rt.ctype)
				}
				if tok.header != "" {
					req.Header.Set("Authorization", tok.header)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				want := http.StatusOK
				jsonBody := rt.method == "GET" || strings.HasPrefix(rt.ctype, "application/json")
				switch {
				case configured == "":
					want = http.StatusForbidden
				case tok.name != "right":
					want = http.StatusUnauthorized
				case !jsonBody:
					want = http.StatusUnsupportedMediaType
				}
				cfgName := map[bool]string{true: "none", false: "set"}[configured == ""]
				fmt.Fprintf(&table, "%-10s %-10s %-5s %-21s %-34s %d\n", cfgName, tok.name, rt.method, rt.path, rt.ctype, resp.StatusCode)
				if resp.StatusCode == http.StatusOK {
					allowed++
				} else {
					refused++
				}
				if resp.StatusCode != want {
					t.Errorf("token %s, sent %s: %s %s (%s) = %d %s, want %d", cfgName, tok.name, rt.method, rt.path, rt.ctype, resp.StatusCode, body, want)
				}
				if want == http.StatusForbidden && !strings.Contains(string(body), "publish.api_token") {
					t.Errorf("403 does not say how to set a token: %s", body)
				}
				if want == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("401 without WWW-Authenticate")
				}
				if want != http.StatusOK && strings.Contains(string(body), "redactie@rvs") {
					t.Errorf("a refused request was shown the audit trail: %s", body)
				}
			}
		}
	}
	t.Logf("authentication matrix: %d requests refused, %d allowed\n%s", refused, allowed, table.String())
}
