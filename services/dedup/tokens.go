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
// sentence, the title first.
func tokenize(it item.Item) []token {
	var toks []token
	n := 0
	for p, part := range []string{it.Title, it.Text()} {
		for s := range sentences(textnorm.StripHTML(part)) {
			if !norm.NFC.IsNormalString(s) {
				s = norm.NFC.String(s) // combining marks would split words
			}
			for i, w := range textnorm.Words(s) {
				folded := textnorm.Fold(w)
				if full, ok := monthAbbrev[folded]; ok {
					folded = full
				}
				toks = append(toks, token{word: folded, fact: isFact(w, folded, i == 0), title: p == 0, sentence: n})
			}
			n++
		}
	}
	return toks
}

// sentences yields the sentences of plain text: it cuts at line breaks, at
// a dash between spaces (a dateline: "Den Haag, 14 december - Op ..."), and
// after '.', '!' or '?' followed by white space and then neither a digit nor
// a lower-case letter: "1.000", "20 dec. 2023" and "m.b.t. de" stay whole.
func sentences(text string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		start := 0
		for i := 0; i < len(text); i++ {
			switch text[i] {
			case '\n':
			case ' ':
				if !dashAt(text, i+1) {
					continue
				}
			case '.', '!', '?':
				if i+1 < len(text) && (!isSpace(text[i+1]) || continues(text[i+1:])) {
					continue
				}
			default:
				continue
			}
			if s := text[start : i+1]; !blank(s) && !yield(s) {
				return
			}
			start = i + 1
		}
		if s := text[start:]; !blank(s) {
			yield(s)
		}
	}
}

// dashAt reports whether text has a dash between spaces at i.
func dashAt(text string, i int) bool {
	for _, d := range []string{"- ", "– ", "— "} {
		if strings.HasPrefix(text[i:], d) {
			return true
		}
	}
	return false
}

// continues reports whether text, after a full stop, goes on with the same
// sentence: its first word starts with a digit or a lower-case letter.
func continues(text string) bool {
	for _, r := range text {
		if !unicode.IsSpace(r) {
			return unicode.IsDigit(r) || unicode.IsLower(r)
		}
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func blank(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			return false
		}
	}
	return true
}

// isFact reports whether a word states a fact two look-alike texts may
// differ in: a figure ("2", "2023", "13:15"), a number word ("elf"), a month
// or weekday, or a name: a capital letter anywhere but at the start of a
// sentence ("Midden-Nederland", "Amersfoort", "NCTV").
func isFact(raw, folded string, sentenceStart bool) bool {
	for _, r := range folded {
		if unicode.IsDigit(r) {
			return true
		}
	}
	if dateOrNumberWords[folded] {
		return true
	}
	r, _ := utf8.DecodeRuneInString(raw)
	return !sentenceStart && unicode.IsUpper(r)
}

// dateOrNumberWords are Dutch words for numbers, ordinals, months and days.
// "een" is left out: it is mostly the article.
var dateOrNumberWords = setOf(
	"twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf",
	"dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien",
	"twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig",
	"honderd", "duizend", "miljoen", "miljard",
	"eerste", "tweede", "derde", "vierde", "vijfde", "zesde", "zevende", "achtste", "negende", "tiende", "elfde", "twaalfde",
	"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december",
	"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
)

// monthAbbrev maps abbreviated months to their names, so "20 dec. 2023" and
// "20 december 2023" state the same date.
var monthAbbrev = map[string]string{
	"jan": "januari", "feb": "februari", "mrt": "maart", "apr": "april", "jun": "juni", "jul": "juli",
	"aug": "augustus", "sep": "september", "sept": "september", "okt": "oktober", "nov": "november", "dec": "december",
}

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
