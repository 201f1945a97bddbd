package textnorm

// Function words that are frequent in one language and rare in the other;
// words both use ("in", "is", "of", "was", "we", "over") are left out.
var (
	dutchWords   = set("de het een en van op te dat die voor met zijn niet aan er ook als bij door naar om wordt worden deze dit hun wat heeft hebben tot uit nog maar wij je u zij werd zich wel dan")
	englishWords = set("the and to for on that with as by from at this are be has have it its which will not or were their they been an these would can into")
)

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range Words(s) {
		m[w] = true
	}
	return m
}

// minLanguageEvidence is how many function words a text needs before it
// tells its language.
const minLanguageEvidence = 4

// Language says whether folded words are Dutch ("nl") or English ("en") by
// counting frequent function words; it returns def when there are too few
// to tell or the counts are close.
func Language(folded func(yield func(string) bool), def string) string {
	var nl, en int
	for w := range folded {
		if dutchWords[w] {
			nl++
		}
		if englishWords[w] {
			en++
		}
	}
	switch {
	case nl+en < minLanguageEvidence:
		return def
	case nl >= 2*en+2:
		return "nl"
	case en >= 2*nl+2:
		return "en"
	}
	return def
}
