package publish

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/textnorm"
	"github.com/bakenhub/baken/services/publish/ledger"
)

// customKey is the feed key of /feeds/custom.{fmt}: its items are chosen
// by the query.
const customKey = "custom"

// Limits on a custom feed's query: each asks for a scan of the ledger and
// reads of items' text, and each distinct query takes a cache slot.
const (
	maxQueryBytes = 1024 // the raw query string
	maxListValues = 32   // ids in themes, districts or source
	maxWords      = 12   // words in q, excluded ones included
)

// errQuery is a query that cannot be served; its text says why.
var errQuery = errors.New("query")

// selection is what a feed shows: the items matching a ledger filter and,
// for a custom feed, words of title and text.
type selection struct {
	filter ledger.Filter
	words  []string // folded; every one must occur ("drug*": a prefix)
	not    []string // none of these may occur
	// query is the normalised query string ("" for the fixed feeds):
	// sorted parameters, sorted and deduplicated values.
	query string
}

// keySelection is the selection of a fixed feed key.
func keySelection(key string) selection {
	parts := strings.Split(key, "/")
	var f ledger.Filter
	switch {
	case len(parts) == 2 && parts[0] == "themes":
		f.Themes = parts[1:2]
	case len(parts) == 2 && parts[0] == "districts":
		f.Districts = parts[1:2]
	case len(parts) == 4:
		f.Themes, f.Districts = parts[1:2], parts[3:4]
	}
	return selection{filter: f}
}

// parseCustom reads a custom feed's query: themes, districts and source as
// comma-separated ids, q as words (-word excludes, word* is a prefix).
// Other parameters are left to the caller (before, since, ...).
func (p *Publisher) parseCustom(q url.Values, rawQuery string) (selection, error) {
	var s selection
	if len(rawQuery) > maxQueryBytes {
		return s, fmt.Errorf("%w: longer than %d bytes", errQuery, maxQueryBytes)
	}
	lists := []struct {
		name  string
		to    *[]string
		known func(string) bool
	}{
		{"districts", &s.filter.Districts, p.knownDistrict},
		{"source", &s.filter.Sources, p.knownSource},
		{"themes", &s.filter.Themes, p.knownTheme},
	}
	var parts []string
	for _, l := range lists {
		ids, err := idList(q[l.name], l.known)
		if err != nil {
			return s, fmt.Errorf("%w: %s: %w", errQuery, l.name, err)
		}
		*l.to = ids
		if len(ids) > 0 {
			parts = append(parts, l.name+"="+strings.Join(ids, ","))
		}
	}
	words, not, err := parseWords(strings.Join(q["q"], " "))
	if err != nil {
		return s, err
	}
	s.words, s.not = words, not
	if len(words)+len(not) > 0 {
		terms := slices.Clone(words)
		for _, w := range not {
			terms = append(terms, "-"+w)
		}
		parts = append(parts, "q="+url.QueryEscape(strings.Join(terms, " ")))
	}
	slices.Sort(parts)
	s.query = strings.Join(parts, "&")
	return s, nil
}

// idList splits comma-separated ids, sorted and deduplicated; an unknown
// id is an error.
func idList(values []string, known func(string) bool) ([]string, error) {
	var ids []string
	for _, v := range values {
		for id := range strings.SplitSeq(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > maxListValues {
		return nil, fmt.Errorf("more than %d ids", maxListValues)
	}
	for _, id := range ids {
		if !known(id) {
			return nil, fmt.Errorf("unknown id %q", id)
		}
	}
	return ids, nil
}

// parseWords folds the words of q as the classifier folds text (textnorm),
// sorted and deduplicated.
func parseWords(q string) (words, not []string, err error) {
	for _, f := range strings.Fields(q) {
		neg := strings.HasPrefix(f, "-")
		f = strings.TrimPrefix(f, "-")
		prefix := strings.HasSuffix(f, "*")
		ws := textnorm.Words(textnorm.Fold(f))
		if prefix && len(ws) > 0 {
			ws[len(ws)-1] += "*"
		}
		if neg {
			not = append(not, ws...)
		} else {
			words = append(words, ws...)
		}
	}
	slices.Sort(words)
	slices.Sort(not)
	words, not = slices.Compact(words), slices.Compact(not)
	if len(words)+len(not) > maxWords {
		return nil, nil, fmt.Errorf("%w: q has more than %d words", errQuery, maxWords)
	}
	return words, not, nil
}

// hasWords reports whether the selection asks for words, which only an
// item's text can tell.
func (s selection) hasWords() bool { return len(s.words)+len(s.not) > 0 }

// matchWords reports whether it has every word of s and none it excludes,
// in its title, summary and text, folded.
func (s selection) matchWords(it *item.Item) bool {
	if !s.hasWords() {
		return true
	}
	text := it.Title + " " + it.Summary + " " + textnorm.StripHTML(it.Content)
	have := map[string]bool{}
	for _, w := range textnorm.Words(textnorm.Fold(text)) {
		have[w] = true
	}
	occurs := func(w string) bool {
		if pre, ok := strings.CutSuffix(w, "*"); ok {
			for h := range have {
				if strings.HasPrefix(h, pre) {
					return true
				}
			}
			return false
		}
		return have[w]
	}
	for _, w := range s.not {
		if occurs(w) {
			return false
		}
	}
	for _, w := range s.words {
		if !occurs(w) {
			return false
		}
	}
	return true
}

func (p *Publisher) knownSource(id string) bool {
	return slices.ContainsFunc(p.opts.Sources, func(l Label) bool { return l.ID == id })
}
