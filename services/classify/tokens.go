package classify

import (
	"unicode"
	"unicode/utf8"

	"github.com/bakenhub/baken/pkg/textnorm"
)

// token is one word of a text, kept both as written and folded.
type token struct {
	orig   string
	folded string
	stem   string // Dutch stem of folded
	// sentenceStart is set for the first word of a text or sentence, where a
	// capital letter says nothing about the word being a name.
	sentenceStart bool
}

// tokenize splits plain text into words (runs of letters and digits).
func (s *stemmer) tokenize(text string) []token {
	toks := make([]token, 0, len(text)/6)
	start := -1
	boundary := true
	flush := func(end int) {
		w := text[start:end]
		f := textnorm.Fold(w)
		toks = append(toks, token{orig: w, folded: f, stem: s.stem(f), sentenceStart: boundary})
		boundary = false
		start = -1
	}
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			flush(i)
		}
		switch r {
		case '.', '!', '?', ':', '\n', '•':
			boundary = true
		}
	}
	if start >= 0 {
		flush(len(text))
	}
	return toks
}

// capitalised reports whether w starts with an upper-case letter.
func capitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}
