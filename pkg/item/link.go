package item

import (
	"fmt"
	"net/url"
	"strings"
)

// Link returns the link to publish for raw, resolved against base: the link
// as its source gave it (scheme, host, path, query and fragment), minus the
// tracking parameters of trackingParams. The rest of the query is kept as
// written ("?r123" stays "?r123"). Only http(s) links with a host are links.
func Link(raw, base string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("link %q: %w", raw, err)
	}
	if base != "" && !u.IsAbs() {
		b, err := url.Parse(base)
		if err != nil {
			return "", fmt.Errorf("link base %q: %w", base, err)
		}
		u = b.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("link %q: not an http(s) url", raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("link %q: no host", raw)
	}
	if u.RawQuery != "" {
		var kept []string
		for _, part := range strings.Split(u.RawQuery, "&") {
			name, _, _ := strings.Cut(part, "=")
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
			if part != "" && !isTracking(name) {
				kept = append(kept, part)
			}
		}
		u.RawQuery = strings.Join(kept, "&")
		u.ForceQuery = false
	}
	return u.String(), nil
}
