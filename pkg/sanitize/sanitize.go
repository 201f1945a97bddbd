// Package sanitize is the allow-list every piece of outside HTML passes
// through: at ingest, and again in the publisher, which treats what it
// reads from the bus as untrusted (anyone who may publish on the curated
// subject could otherwise put a script in a feed).
package sanitize

import (
	"net/url"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// Policy returns bluemonday's user-generated-content policy (no script,
// style, event handlers, forms, frames or javascript: URLs), with links
// opened safely.
func Policy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	p.RequireNoReferrerOnLinks(true)
	return p
}

// policy is shared: a built policy is safe for concurrent use.
var policy = Policy()

// HTML returns s with everything the policy does not allow removed.
func HTML(s string) string { return strings.TrimSpace(policy.Sanitize(s)) }

// URL returns u when it is an absolute http or https URL, else "": a link
// from outside never carries javascript:, data: or vbscript:.
func URL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || p.Host == "" {
		return ""
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		return u
	}
	return ""
}
