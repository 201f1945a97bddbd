package ingest

import (
	"encoding/json"
	"html"
	"strings"
	"unicode/utf8"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/textnorm"
)

// itemBudget is the share of the bus's largest message an item may take
// on the raw stream: the later stages add themes, places and also_at.
func itemBudget(maxPayload int64) int {
	return int(maxPayload * 3 / 4)
}

// fit cuts an item that would not fit in budget bytes of JSON: its content
// becomes the start of its text with a visible marker and a link to the
// original, its summary and title are shortened. It reports whether it cut.
func fit(it *item.Item, budget int) bool {
	size := func() int {
		data, _ := json.Marshal(it)
		return len(data)
	}
	if size() <= budget {
		return false
	}
	text := strings.Join(strings.Fields(textnorm.StripHTML(it.Text())), " ")
	it.Title = cut(it.Title, 300)
	it.Summary = cut(it.Summary, 1000)
	for keep := budget / 2; ; keep /= 2 {
		it.Content = "<p>" + html.EscapeString(cut(text, keep)) + "</p>" + truncatedMarker(it.URL)
		if size() <= budget || keep < 64 {
			break
		}
	}
	for len(it.Enclosures) > 0 && size() > budget {
		it.Enclosures = it.Enclosures[:len(it.Enclosures)/2]
	}
	it.Truncated = true
	return true
}

// truncatedMarker ends a cut text: readers see it was cut and where the
// whole text is.
func truncatedMarker(link string) string {
	if link == "" {
		return `<p><em>[Ingekort: dit bericht was te groot om door te geven.]</em></p>`
	}
	return `<p><em>[Ingekort: dit bericht was te groot om door te geven. <a href="` + html.EscapeString(link) + `">Lees het hele bericht bij de bron</a>.]</em></p>`
}

// cut shortens s to at most n bytes at a word boundary, with "…".
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	if i := strings.LastIndexByte(s, ' '); i > n/2 {
		s = s[:i]
	}
	return s + " …"
}
