package dedup

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/textnorm"
)

// token is one word of an item's title and text, folded (lower case, no
// diacritics), with whether it states a fact: a figure, a date or a name.
type token struct {
	word     string
	fact     bool
	title    bool
	sentence int
}

// tokenize splits the title and the text of it into words, sentence by
// sentence (textnorm.Tokens: the splitter classify uses too), the title
// first.
func tokenize(it item.Item) []token {
	toks := make([]token, 0, (len(it.Title)+len(it.Text()))/6+8)
	n := 0
	for p, part := range []string{it.Title, it.Text()} {
		text := textnorm.StripHTML(part)
		if !norm.NFC.IsNormalString(text) {
			text = norm.NFC.String(text) // combining marks would split words
		}
		words := textnorm.Tokens(text)
		for _, w := range words {
			folded := textnorm.Fold(w.Text)
			full, dateOrNumber := dateOrNumberWords[folded]
			if dateOrNumber {
				folded = full
			}
			toks = append(toks, token{word: folded, fact: dateOrNumber || isFact(w.Text, folded, w.SentenceStart), title: p == 0, sentence: n + w.Sentence})
		}
		if len(words) > 0 {
			n += words[len(words)-1].Sentence + 1
		}
	}
	return toks
}

// isFact reports whether a word states a fact two look-alike texts may
// differ in: a figure ("2", "2023", "13:15") or a name: a capital letter
// anywhere but at the start of a sentence ("Midden-Nederland", "NCTV").
// Number words, months and days are facts too (dateOrNumberWords).
func isFact(raw, folded string, sentenceStart bool) bool {
	for i := 0; i < len(folded); i++ {
		if '0' <= folded[i] && folded[i] <= '9' {
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(raw)
	return !sentenceStart && unicode.IsUpper(r)
}

// dateOrNumberWords are the Dutch words for numbers, ordinals, months and
// days, each mapped to its own form; abbreviated months map to their name,
// so "20 dec. 2023" and "20 december 2023" state the same date. "een" is
// left out: it is mostly the article.
var dateOrNumberWords = func() map[string]string {
	m := map[string]string{
		"jan": "januari", "feb": "februari", "mrt": "maart", "apr": "april", "jun": "juni", "jul": "juli",
		"aug": "augustus", "sep": "september", "sept": "september", "okt": "oktober", "nov": "november", "dec": "december",
	}
	for _, w := range strings.Fields(`twee drie vier vijf zes zeven acht negen tien elf twaalf
		dertien veertien vijftien zestien zeventien achttien negentien
		twintig dertig veertig vijftig zestig zeventig tachtig negentig honderd duizend miljoen miljard
		eerste tweede derde vierde vijfde zesde zevende achtste negende tiende elfde twaalfde
		januari februari maart april mei juni juli augustus september oktober november december
		maandag dinsdag woensdag donderdag vrijdag zaterdag zondag`) {
		m[w] = w
	}
	return m
}()
