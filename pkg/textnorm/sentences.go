package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentences yields the sentences of plain text with their byte offset: it
// cuts at line breaks, at a dash between spaces (a dateline: "Den Haag, 14
// december - Op ..."), at a bullet, and after '.', '!', '?' or ':' followed
// by white space and then neither a digit nor a lower-case letter: "1.000",
// "20 dec. 2023" and "m.b.t. de" stay whole. classify and dedup both split
// with it, so a word starts a sentence to both or to neither.
func Sentences(text string) func(yield func(start int, s string) bool) {
	return func(yield func(int, string) bool) {
		start := 0
		for i := 0; i < len(text); i++ {
			end, ok := boundary(text, i)
			if !ok {
				continue
			}
			if s := text[start:end]; !blank(s) && !yield(start, s) {
				return
			}
			start = end
			i = end - 1
		}
		if s := text[start:]; !blank(s) {
			yield(start, s)
		}
	}
}

// boundary reports whether a sentence ends at text[i], and where the next
// one starts.
func boundary(text string, i int) (int, bool) {
	switch text[i] {
	case '\n':
		return i + 1, true
	case ' ':
		return i + 1, dashAt(text, i+1)
	case '.', '!', '?', ':':
		return i + 1, i+1 == len(text) || isSpace(text[i+1]) && !continues(text[i+1:])
	case 0xe2: // "•" is e2 80 a2
		return i + len("•"), strings.HasPrefix(text[i:], "•")
	}
	return 0, false
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

// Token is one word of a text: a run of letters, digits and combining
// marks, as written, with its byte span.
type Token struct {
	Text       string
	Start, End int
	// SentenceStart is set for the first word of a text or sentence, where
	// a capital letter says nothing about the word being a name.
	SentenceStart bool
	// Quoted is set for the first word after an opening quote or
	// parenthesis (“Dijken ophogen”): its capital says nothing either.
	Quoted bool
	// Sentence is the index of the token's sentence in the text.
	Sentence int
}

// Tokens splits plain text into words, sentence by sentence (the
// boundaries of Sentences), in one pass.
func Tokens(text string) []Token {
	toks := make([]Token, 0, len(text)/6+1)
	EachToken(text, func(t Token) { toks = append(toks, t) })
	return toks
}

// EachToken calls fn with each word of text, as Tokens returns them.
func EachToken(text string, fn func(Token)) {
	n, first, has := 0, true, false
	start, gap := -1, 0
	emit := func(end int) {
		quoted := !first && end-start > 0 && start-gap > 0 && strings.ContainsAny(text[gap:start], "\"“„‘«(")
		fn(Token{Text: text[start:end], Start: start, End: end, SentenceStart: first, Quoted: quoted, Sentence: n})
		first, has = false, true
		start, gap = -1, end
	}
	for i := 0; i < len(text); {
		c := text[i]
		size := 1
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				if start < 0 {
					start = i
				}
				i++
				continue
			}
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
				if start < 0 {
					start = i
				}
				i += size
				continue
			}
		}
		if start >= 0 {
			emit(i)
		}
		if end, ok := boundary(text, i); ok {
			if has {
				n++
			}
			first, has, gap = true, false, end
			i = end
			continue
		}
		i += size
	}
	if start >= 0 {
		emit(len(text))
	}
}

// Capitalised reports whether w starts with an upper-case letter.
func Capitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}
