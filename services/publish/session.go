package publish

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Cookies of the editors' desk.
const (
	sessionCookie = "baken_session"
	loginCookie   = "baken_login" // the login form's CSRF token, before a session exists
)

// sessions signs editors' sessions into a cookie with a key derived from
// the API token: no session store to share between publish replicas, and
// changing the token ends every session. A session expires after ttl.
type sessions struct {
	key []byte
	ttl time.Duration
}

func newSessions(token string, ttl time.Duration) *sessions {
	k := sha256.Sum256([]byte("baken desk session v1\x00" + token))
	return &sessions{key: k[:], ttl: ttl}
}

// session is one signed-in editor.
type session struct {
	Who     string    `json:"who"`
	ID      string    `json:"id"` // random: binds the CSRF token to this session
	Expires time.Time `json:"exp"`
}

func (s *sessions) mac(parts ...string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// encode is the cookie value of se: payload.signature.
func (s *sessions) encode(se session) string {
	data, _ := json.Marshal(se)
	payload := base64.RawURLEncoding.EncodeToString(data)
	return payload + "." + s.mac("session", payload)
}

// decode checks a cookie value's signature and expiry.
func (s *sessions) decode(v string, now time.Time) (session, bool) {
	payload, sig, ok := strings.Cut(v, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.mac("session", payload))) {
		return session{}, false
	}
	data, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return session{}, false
	}
	var se session
	if json.Unmarshal(data, &se) != nil || se.Who == "" || se.ID == "" || !now.Before(se.Expires) {
		return session{}, false
	}
	return se, true
}

// csrf is the token every form of a session carries.
func (s *sessions) csrf(se session) string { return s.mac("csrf", se.ID) }

// checkCSRF compares a form's token with the session's in constant time.
func (s *sessions) checkCSRF(se session, got string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf(se))) == 1
}

func randomID() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// session returns the signed-in editor of r.
func (w *web) session(r *http.Request) (session, bool) {
	if w.sessions == nil {
		return session{}, false
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	return w.sessions.decode(c.Value, time.Now())
}

// cookie is a desk cookie: HttpOnly, SameSite=Strict, path /, and Secure
// when the site is served over TLS (a request over TLS, or an https base
// URL behind a proxy that ends TLS).
func (p *Publisher) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil || strings.HasPrefix(p.opts.BaseURL, "https://")}
}
