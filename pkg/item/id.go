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

// EntryID is the id of a feed entry that has no usable link: a hash of
// source and GUID, else of source, title and text (folded, so that markup
// and white space make no difference).
func EntryID(source, guid, title, text string) string {
	if guid != "" {
		return NewID("", source, guid)
	}
	return hash("text\x00" + source + "\x00" + textnorm.Fold(title) + "\x00" + textnorm.Fold(textnorm.StripHTML(text)))
}

// SharedLinkID is the id of an entry whose link another entry of the same
// source, with another GUID, already has: a hash of the canonical URL,
// source and GUID, so that both are items of their own.
func SharedLinkID(canonicalURL, source, guid string) string {
	return hash("url+guid\x00" + Key(canonicalURL) + "\x00" + source + "\x00" + guid)
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
