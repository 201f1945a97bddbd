// Package textnorm folds text to the form that classification and duplicate
// detection compare: plain text, lower case, no diacritics, ASCII quotes,
// single spaces.
package textnorm

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s, removes diacritics, decodes HTML entities, turns
// typographic quotes and dashes into ASCII and collapses white space.
func Fold(s string) string {
	if isFolded(s) {
		return s
	}
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading space
	for _, r := range decompose(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		space = false
		b.WriteRune(foldRune(r))
	}
	return strings.TrimSuffix(b.String(), " ")
}

// isFolded reports whether s is already folded: lower-case ASCII without
// entities or runs of space. Most words are, and need no copy.
func isFolded(s string) bool {
	space := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf, c == '&', 'A' <= c && c <= 'Z', c == '`':
			return false
		case c == ' ':
			if space {
				return false
			}
			space = true
		case c == '\t', c == '\n', c == '\r', c == '\v', c == '\f':
			return false
		default:
			space = false
		}
	}
	return !space || s == ""
}

// decompose splits accented letters into base letter and combining mark,
// skipping the work for pure ASCII.
func decompose(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return norm.NFD.String(s)
		}
	}
	return s
}

func foldRune(r rune) rune {
	switch r {
	case '‘', '’', '‚', '‛', '`', '´', '′':
		return '\''
	case '“', '”', '„', '‟', '″', '«', '»':
		return '"'
	case '–', '—', '‐', '‑', '−':
		return '-'
	case '\u00a0':
		return ' '
	}
	return unicode.ToLower(r)
}

// Words splits folded text into words: runs of letters and digits.
func Words(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}
