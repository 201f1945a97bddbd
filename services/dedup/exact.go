package dedup

import (
	"context"

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
