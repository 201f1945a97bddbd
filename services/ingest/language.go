package ingest

import (
	"strings"
	"unicode"
)

// Function words that are frequent in one language and rare in the other;
// words both use ("in", "is", "of", "was", "we", "over") are left out.
var (
	dutchWords   = words("de het een en van op te dat die voor met zijn niet aan er ook als bij door naar om wordt worden deze dit hun wat heeft hebben tot uit nog maar wij je u zij werd zich wel dan")
	englishWords = words("the and to for on that with as by from at this are be has have it its which will not or were their they been an these would can into")
)

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// minEvidence is how many function words a text needs before its own
// language overrides the source's: short texts keep the default.
const minEvidence = 4

// detectLanguage says whether text is Dutch ("nl") or English ("en") by
// counting frequent function words; it returns def when the text is too
// short to tell or the counts are close.
func detectLanguage(text, def string) string {
	var nl, en int
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if dutchWords[w] {
			nl++
		}
		if englishWords[w] {
			en++
		}
	}
	switch {
	case nl+en < minEvidence:
		return def
	case nl >= 2*en+2:
		return "nl"
	case en >= 2*nl+2:
		return "en"
	}
	return def
}
