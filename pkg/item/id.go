package item

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/bakenhub/baken/pkg/textnorm"
)

// NewID derives the stable id of an item: a hash of its canonical URL, or of
// source and GUID when it has no usable URL.
func NewID(canonicalURL, source, guid string) string {
	if canonicalURL != "" {
		return hash("url\x00" + Key(canonicalURL))
	}
	return hash("guid\x00" + source + "\x00" + guid)
}

// TextHash is a hash of the item's normalised title and text: equal for two
// copies that differ only in markup, entities, quotes, case or whitespace.
func (it *Item) TextHash() string {
	return hash(textnorm.Fold(it.Title) + "\x00" + textnorm.Fold(textnorm.StripHTML(it.Text())))
}

// Text is the item's body: its content, else its summary.
func (it *Item) Text() string {
	if it.Content != "" {
		return it.Content
	}
	return it.Summary
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}
