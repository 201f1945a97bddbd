package textnorm

// Function words that are frequent in one language and rare in the other;
// words both use ("in", "is", "of", "was", "we", "over") are left out.
var functionWords = func() map[string]int8 {
	m := map[string]int8{}
	for _, w := range Words("de het een en van op te dat die voor met zijn niet aan er ook als bij door naar om wordt worden deze dit hun wat heeft hebben tot uit nog maar wij je u zij werd zich wel dan") {
		m[w] = 1
	}
	for _, w := range Words("the and to for on that with as by from at this are be has have it its which will not or were their they been an these would can into") {
		m[w] = -1
	}
	return m
}()

// minLanguageEvidence is how many function words a text needs before it
// tells its language.
const minLanguageEvidence = 4

// Language says whether folded words are Dutch ("nl") or English ("en") by
// counting frequent function words; it returns def when there are too few
// to tell or the counts are close.
func Language(folded func(yield func(string) bool), def string) string {
	var nl, en int
	for w := range folded {
		switch functionWords[w] {
		case 1:
			nl++
		case -1:
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
