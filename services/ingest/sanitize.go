package ingest

import "github.com/microcosm-cc/bluemonday"

// newPolicy is the allow-list every piece of outside HTML passes through:
// bluemonday's user-generated-content policy (no script, style, event
// handlers, forms or frames), with links opened safely.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	p.RequireNoReferrerOnLinks(true)
	return p
}
