package dedup

import (
	"strconv"
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
	word string
	fact bool
	// number marks a fact that is a figure, a number word, a month or a
	// day, not a name.
	number bool
	// spelled marks a number written as a word ("tien", "veertig"): a
	// rough or small count, never a distinct figure of a story.
	spelled  bool
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
			folded := ordinal(textnorm.Fold(w.Text))
			full, dateOrNumber := dateOrNumberWords[folded]
			spelled := dateOrNumber && full != folded && hasDigit(full)
			if dateOrNumber {
				folded = full
			}
			number := dateOrNumber || hasDigit(folded)
			toks = append(toks, token{word: folded, fact: number || isFact(w.Text, folded, w.SentenceStart), number: number, spelled: spelled, title: p == 0, sentence: n + w.Sentence})
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
	if hasDigit(folded) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(raw)
	return !sentenceStart && unicode.IsUpper(r)
}

func hasDigit(w string) bool {
	for i := 0; i < len(w); i++ {
		if '0' <= w[i] && w[i] <= '9' {
			return true
		}
	}
	return false
}

// ordinal turns a figure with an ordinal ending into the figure: "54th",
// "54ste" and "54e" are the 54.
func ordinal(w string) string {
	i := 0
	for i < len(w) && '0' <= w[i] && w[i] <= '9' {
		i++
	}
	if i == 0 || i == len(w) {
		return w
	}
	switch w[i:] {
	case "st", "nd", "rd", "th", "ste", "de", "e":
		return w[:i]
	}
	return w
}

// dateOrNumberWords are the Dutch words for numbers, ordinals, months and
// days. Cardinals up to ninety map to their figure, so "veertig terabyte"
// and "40 terabyte", "zeven op de tien" and "7 op de 10" state the same
// fact; abbreviated months map to their name, so "20 dec. 2023" and "20
// december 2023" state the same date; the others map to their own form.
// "een" is left out: it is mostly the article.
var dateOrNumberWords = func() map[string]string {
	m := map[string]string{
		"jan": "januari", "feb": "februari", "mrt": "maart", "apr": "april", "jun": "juni", "jul": "juli",
		"aug": "augustus", "sep": "september", "sept": "september", "okt": "oktober", "nov": "november", "dec": "december",
	}
	for i, w := range strings.Fields(`twee drie vier vijf zes zeven acht negen tien elf twaalf
		dertien veertien vijftien zestien zeventien achttien negentien twintig`) {
		m[w] = strconv.Itoa(i + 2)
	}
	for i, w := range strings.Fields(`dertig veertig vijftig zestig zeventig tachtig negentig`) {
		m[w] = strconv.Itoa(30 + 10*i)
	}
	for _, w := range strings.Fields(`honderd duizend miljoen miljard
		eerste tweede derde vierde vijfde zesde zevende achtste negende tiende elfde twaalfde
		januari februari maart april mei juni juli augustus september oktober november december
		maandag dinsdag woensdag donderdag vrijdag zaterdag zondag`) {
		m[w] = w
	}
	return m
}()
