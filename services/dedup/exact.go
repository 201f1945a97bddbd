package dedup

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"github.com/bakenhub/baken/pkg/item"
)

// claimer hands out exact keys: the first id to claim a key owns it.
type claimer interface {
	claim(ctx context.Context, key, owner string) (string, error)
}

// exactOwner claims the exact keys of it: its GUID (unique only within its
// source: two sites may both have an item "1042"), then the hash of its
// normalised text. It returns the id that claimed one of them first: it.ID
// when it is the first.
func exactOwner(ctx context.Context, c claimer, it item.Item, textHash string) (string, error) {
	keys := []string{textKey(textHash)}
	if it.GUID != "" {
		keys = []string{guidKey(hash(it.Source + "\x00" + it.GUID)), textKey(textHash)}
	}
	for _, k := range keys {
		owner, err := c.claim(ctx, k, it.ID)
		if err != nil || owner != it.ID {
			return owner, err
		}
	}
	return it.ID, nil
}

// articleSegment is a path segment that is an article's number: five
// digits or more, alone or before the slug ("/nieuws/3211605/drie-...",
// "/artikel/2518007-al-zeker-...").
var articleSegment = regexp.MustCompile(`^([0-9]{5,})(?:-|$)`)

// articleKey is the key of the article a URL's number names within its
// source: a site that renames an article's slug keeps its number, so the
// new URL is an update of the item, not a new one. A date ("20240330") is
// not an article's number. "" when the URL has none.
func articleKey(it item.Item) string {
	u, err := url.Parse(it.URL)
	if err != nil || it.Source == "" {
		return ""
	}
	for seg := range strings.SplitSeq(u.Path, "/") {
		m := articleSegment.FindStringSubmatch(seg)
		if m == nil || isDate(m[1]) {
			continue
		}
		return "article." + hash(it.Source+"\x00"+u.Host+"\x00"+m[1])
	}
	return ""
}

// isDate reports whether digits read as a date, yyyymmdd.
func isDate(digits string) bool {
	if len(digits) != 8 || (digits[:2] != "19" && digits[:2] != "20") {
		return false
	}
	month, day := digits[4:6], digits[6:8]
	return "01" <= month && month <= "12" && "01" <= day && day <= "31"
}
