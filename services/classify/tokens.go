package classify

import (
	"strings"

	"github.com/bakenhub/baken/pkg/textnorm"
)

// token is one word of a text, kept both as written and folded.
type token struct {
	orig   string
	folded string
	stem   string // Dutch stem of folded
	// sentenceStart is set for the first word of a text or sentence, where
	// a capital letter says nothing about the word being a name.
	sentenceStart bool
	// opening is set where a capital says nothing: at a sentence start or
	// after an opening quote or parenthesis.
	opening bool
	// spaced is set when only white space separates the word from the one
	// before it in the same sentence: "Astrid van Huizen", not "Haarlem,
	// Leiden".
	spaced bool
	// dateline is set for the words of an agency's dateline ("DEN HAAG
	// (ANP) -"), which say where a story was filed.
	dateline bool
	// headline is set for the first word of a text when a colon follows
	// it: "Lekkerkerk: slachtoffer overleden".
	headline bool
}

// tokenize splits plain text into words with textnorm.Tokens, the
// tokeniser and sentence splitter dedup uses too. A body may open with a
// dateline.
func (s *stemmer) tokenize(text string, body bool) []token {
	toks := make([]token, 0, len(text)/6+1)
	dl := 0
	if body {
		dl = datelineEnd(text)
	}
	prevEnd := 0
	textnorm.EachToken(text, func(w textnorm.Token) {
		f := textnorm.Fold(w.Text)
		t := token{orig: w.Text, folded: f, stem: s.stem(f), sentenceStart: w.SentenceStart, opening: w.SentenceStart || w.Quoted, dateline: w.End <= dl}
		if len(toks) > 0 && !w.SentenceStart && blankBetween(text[prevEnd:w.Start]) {
			t.spaced = true
		}
		if len(toks) == 0 && strings.HasPrefix(strings.TrimLeft(text[w.End:], " "), ":") {
			t.headline = true
		}
		toks = append(toks, t)
		prevEnd = w.End
	})
	return toks
}

func blankBetween(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' {
			return false
		}
	}
	return s != ""
}

// capitalised reports whether w starts with an upper-case letter.
func capitalised(w string) bool { return textnorm.Capitalised(w) }
