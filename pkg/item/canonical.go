package item

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// trackingParams are query parameters that say how a reader arrived, not what
// they read. Prefixes end in "_".
var trackingParams = []string{"utm_", "mc_", "_hs", "fbclid", "gclid", "dclid", "msclkid", "igshid", "mkt_tok", "_ga", "yclid", "wt_"}

// Canonical returns the URL to publish for raw, resolved against base: https
// instead of http, lower-case host, no fragment, no tracking parameters, the
// rest of the query sorted.
func Canonical(raw, base string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("canonical url %q: %w", raw, err)
	}
	if base != "" && !u.IsAbs() {
		b, err := url.Parse(base)
		if err != nil {
			return "", fmt.Errorf("canonical url base %q: %w", base, err)
		}
		u = b.ResolveReference(u)
	}
	switch u.Scheme {
	case "http", "https":
		u.Scheme = "https"
	default:
		return "", fmt.Errorf("canonical url %q: not an http(s) url", raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("canonical url %q: no host", raw)
	}
	u.Host = strings.TrimSuffix(strings.ToLower(u.Host), ":443")
	u.Host = strings.TrimSuffix(u.Host, ":80")
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	if u.Path == "" {
		u.Path = "/"
	}
	q := u.Query()
	for k := range q {
		if isTracking(k) {
			q.Del(k)
		}
	}
	u.RawQuery = encodeSorted(q)
	return u.String(), nil
}

// Key is the identity of a canonical URL: two URLs with the same key are the
// same page (www. and a trailing slash make no difference).
func Key(canonical string) string {
	u, err := url.Parse(canonical)
	if err != nil {
		return canonical
	}
	host := strings.TrimPrefix(u.Host, "www.")
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	k := host + path
	if u.RawQuery != "" {
		k += "?" + u.RawQuery
	}
	return k
}

func isTracking(param string) bool {
	p := strings.ToLower(param)
	for _, t := range trackingParams {
		if p == t || (strings.HasSuffix(t, "_") && strings.HasPrefix(p, t)) {
			return true
		}
	}
	return false
}

func encodeSorted(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		vs := q[k]
		sort.Strings(vs)
		for _, v := range vs {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String()
}
