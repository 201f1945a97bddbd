package publish

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// editor is a browser-like client of the desk: it keeps cookies and reads
// each form's CSRF token.
type editor struct {
	t    *testing.T
	c    *http.Client
	base string
}

func newEditor(t *testing.T, base string) *editor {
	jar, _ := cookiejar.New(nil)
	return &editor{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (e *editor) do(method, path string, form url.Values) (*http.Response, string) {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, e.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := e.c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the page:\n%s", page)
	}
	return m[1]
}

func TestDesk(t *testing.T) {
	_, srv := webUnderTest(t)
	const id = "83b6bb201e38be0884bf5378005bfc1b"
	e := newEditor(t, srv.URL)

	// Signed out, desk pages and actions answer with the login form.
	for _, path := range []string{"/desk/items/" + id, "/desk/audit"} {
		if resp, body := e.do("GET", path, nil); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `action="/desk/login"`) {
			t.Errorf("GET %s signed out: %d", path, resp.StatusCode)
		}
	}
	if resp, _ := e.do("POST", "/desk/overrides", url.Values{"item": {id}, "action": {"hide"}, "why": {"x"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an action signed out: %d", resp.StatusCode)
	}

	resp, login := e.do("GET", "/desk", nil)
	csrf := csrfOf(t, login)
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the desk's Cache-Control %q, want no-store", cc)
	}
	if resp, _ := get(t, srv.URL+"/items/"+id); resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("an item page's Cache-Control %q, want no-cache", resp.Header.Get("Cache-Control"))
	}
	tests := []struct {
		name string
		form url.Values
		code int
	}{
		{"no CSRF token", url.Values{"who": {"anna"}, "token": {testToken}}, http.StatusForbidden},
		{"wrong CSRF token", url.Values{"who": {"anna"}, "token": {testToken}, "csrf": {"x" + csrf}}, http.StatusForbidden},
		{"wrong API token", url.Values{"who": {"anna"}, "token": {"raden"}, "csrf": {csrf}}, http.StatusUnauthorized},
		{"no name", url.Values{"token": {testToken}, "csrf": {csrf}}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		_, page := e.do("GET", "/desk", nil) // a fresh login form each time
		if tt.form.Has("csrf") && tt.form.Get("csrf") == csrf {
			tt.form.Set("csrf", csrfOf(t, page))
		}
		if resp, _ := e.do("POST", "/desk/login", tt.form); resp.StatusCode != tt.code {
			t.Errorf("login with %s: %d, want %d", tt.name, resp.StatusCode, tt.code)
		}
	}
	_, page := e.do("GET", "/desk", nil)
	resp, _ = e.do("POST", "/desk/login", url.Values{"who": {"anna@rvs"}, "token": {testToken}, "csrf": {csrfOf(t, page)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	// The base URL is https: the cookie is Secure.
	if session == nil || !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure, SameSite=Strict", session)
	}

	_, item := e.do("GET", "/desk/items/"+id, nil)
	token := csrfOf(t, item)
	hide := url.Values{"item": {id}, "action": {"hide"}, "why": {"verkeerde bron"}}
	if resp, _ := e.do("POST", "/desk/overrides", hide); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an action without CSRF token: %d, want 403", resp.StatusCode)
	}
	hide.Set("csrf", token)
	if resp, _ := e.do("POST", "/desk/overrides", hide); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("hide: %d", resp.StatusCode)
	}
	// At once: the redirect's page and the feed no longer show it.
	_, feed := get(t, srv.URL+"/feeds/themes/terrorisme.atom")
	if strings.Contains(string(feed), "Dreigingsbeeld") {
		t.Error("the hidden item is still in its feed")
	}
	if _, page := e.do("GET", "/desk/items/"+id+"?gedaan=hide", nil); !strings.Contains(page, "<strong>Verborgen</strong>") || !strings.Contains(page, "verkeerde bron") {
		t.Errorf("desk page does not show the hide:\n%s", page)
	}
	if body := fetchPage(t, srv, "/items/"+id, 200); !strings.Contains(body, "anna@rvs verborg het, omdat: verkeerde bron") {
		t.Errorf("item page lacks who and why:\n%s", body)
	}
	// Pinning needs a known theme; the error is shown on the form.
	if resp, page := e.do("POST", "/desk/overrides", url.Values{"item": {id}, "action": {"pin"}, "theme": {"ufo"}, "why": {"x"}, "csrf": {token}}); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Niet gelukt") {
		t.Errorf("pin to an unknown theme: %d", resp.StatusCode)
	}
	for _, f := range []url.Values{
		{"item": {id}, "action": {"unhide"}, "why": {"toch goed"}, "csrf": {token}},
		{"item": {"171eef5fc5be1c1a8a6b2d3e4f5a6b7c"}, "action": {"pin"}, "theme": {"terrorisme"}, "why": {"hoort erbij"}, "csrf": {token}},
	} {
		if resp, _ := e.do("POST", "/desk/overrides", f); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", f.Get("action"), resp.StatusCode)
		}
	}
	_, feed = get(t, srv.URL+"/feeds/themes/terrorisme.atom")
	if got := strings.Join(feedTitles(t, feed), "|"); got != "Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen|Factsheet stand van zaken Ondermijningswetgeving" {
		t.Errorf("terrorisme after unhide and pin: %s", got)
	}

	// The audit trail, filtered.
	today := time.Now().Format("2006-01-02")
	auditTests := []struct {
		query string
		want  int
	}{
		{"", 3}, {"action=hide", 1}, {"who=ANNA", 3}, {"who=piet", 0}, {"item=" + id, 2},
		{"since=" + today, 3}, {"until=2020-01-01", 0},
	}
	for _, tt := range auditTests {
		_, page := e.do("GET", "/desk/audit?"+tt.query, nil)
		if got := strings.Count(page, "<tr><td>"); got != tt.want {
			t.Errorf("audit ?%s: %d rows, want %d", tt.query, got, tt.want)
		}
	}

	// Logout needs the token too, and ends the session.
	if resp, _ := e.do("POST", "/desk/logout", url.Values{"csrf": {token}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if resp, _ := e.do("GET", "/desk/audit", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("after logout: %d", resp.StatusCode)
	}
}

func TestSessionSignature(t *testing.T) {
	s := newSessions("token", time.Hour)
	now := time.Now()
	v := s.encode(session{Who: "anna", ID: "abc", Expires: now.Add(time.Minute)})
	if _, ok := s.decode(v, now); !ok {
		t.Fatal("a fresh session is refused")
	}
	payload, sig, _ := strings.Cut(v, ".")
	for name, bad := range map[string]string{
		"expired":         v,
		"other token":     newSessions("other", time.Hour).encode(session{Who: "anna", ID: "abc", Expires: now.Add(time.Minute)}),
		"changed payload": payload[:len(payload)-2] + "xx." + sig,
		"no signature":    payload,
		"signature alone": "." + sig,
		"empty":           "",
	} {
		at := now
		if name == "expired" {
			at = now.Add(2 * time.Minute)
		}
		if _, ok := s.decode(bad, at); ok {
			t.Errorf("%s: accepted", name)
		}
	}
}
