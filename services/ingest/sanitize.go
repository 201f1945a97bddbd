package ingest

import "github.com/bakenhub/baken/pkg/sanitize"

// newPolicy is the allow-list every piece of outside HTML passes through,
// the same one the publisher applies again.
var newPolicy = sanitize.Policy
