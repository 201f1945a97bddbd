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
	toks := make([]token, 0, (len(it.Title)+len(it.Text()))/6+8)
	n := 0
	for p, part := range []string{it.Title, it.Text()} {
		text := textnorm.StripHTML(part)
		if !norm.NFC.IsNormalString(text) {
			text = norm.NFC.String(text) // combining marks would split words
		}
		for s := range sentences(text) {
			for i, w := range textnorm.Words(s) {
				folded := textnorm.Fold(w)
				full, dateOrNumber := dateOrNumberWords[folded]
				if dateOrNumber {
					folded = full
				}
				toks = append(toks, token{word: folded, fact: dateOrNumber || isFact(w, folded, i == 0), title: p == 0, sentence: n})
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
