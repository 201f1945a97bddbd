package textnorm

import (
	"strings"
	"testing"
)

// FuzzTokens: every token is the text at its offsets, in order, sentence
// indexes never go down, and the sentences cover the text without
// overlapping.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{"DEN HAAG (ANP) - Het kabinet.", "Hij zei “Dijken ophogen” (Rik).", "1.000 m.b.t. • een\ntwee", "\xff\xfe", "é́ a", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		end, sentence := 0, 0
		for _, tok := range Tokens(text) {
			if tok.Start < end || tok.End <= tok.Start || tok.End > len(text) || text[tok.Start:tok.End] != tok.Text {
				t.Fatalf("token %+v out of place (previous end %d)", tok, end)
			}
			if tok.Sentence < sentence {
				t.Fatalf("token %+v: sentence went back from %d", tok, sentence)
			}
			end, sentence = tok.End, tok.Sentence
		}
		var b strings.Builder
		next := 0
		for off, s := range Sentences(text) {
			if off < next {
				t.Fatalf("sentence %q at %d overlaps the previous, which ended at %d", s, off, next)
			}
			b.WriteString(text[next:off])
			b.WriteString(s)
			next = off + len(s)
		}
		b.WriteString(text[next:])
		if b.String() != text {
			t.Fatalf("sentences do not cover the text")
		}
	})
}
