package textnorm

import (
	"slices"
	"strings"
	"testing"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Een. Twee! Drie? Vier", []string{"Een.", " Twee!", " Drie?", " Vier"}},
		{"Op 20 dec. 2023 kwamen 1.000 mensen m.b.t. de wet.", []string{"Op 20 dec. 2023 kwamen 1.000 mensen m.b.t. de wet."}},
		{"DEN HAAG (ANP) - Het kabinet", []string{"DEN HAAG (ANP) ", "- Het kabinet"}},
		{"Regel een\nRegel twee", []string{"Regel een\n", "Regel twee"}},
		{"Boeren: Dit is de grond. Volkskrant: criminelen eisen", []string{"Boeren:", " Dit is de grond.", " Volkskrant: criminelen eisen"}},
		{"• een • twee", []string{"•", " een •", " twee"}},
		{"", nil},
	}
	for _, tt := range tests {
		var got []string
		for off, s := range Sentences(tt.text) {
			if tt.text[off:off+len(s)] != s {
				t.Errorf("%q: sentence %q not at offset %d", tt.text, s, off)
			}
			got = append(got, s)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Sentences(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestTokens(t *testing.T) {
	text := "Zorg- en Veiligheidshuis. Hij zei “Dijken ophogen” (Rik) de Lange"
	var words, starts, quoted []string
	for _, tok := range Tokens(text) {
		if text[tok.Start:tok.End] != tok.Text {
			t.Errorf("token %q not at %d:%d", tok.Text, tok.Start, tok.End)
		}
		words = append(words, tok.Text)
		if tok.SentenceStart {
			starts = append(starts, tok.Text)
		}
		if tok.Quoted {
			quoted = append(quoted, tok.Text)
		}
	}
	if want := "Zorg en Veiligheidshuis Hij zei Dijken ophogen Rik de Lange"; strings.Join(words, " ") != want {
		t.Errorf("words %q, want %q", words, want)
	}
	if !slices.Equal(starts, []string{"Zorg", "Hij"}) {
		t.Errorf("sentence starts %q", starts)
	}
	if !slices.Equal(quoted, []string{"Dijken", "Rik"}) {
		t.Errorf("quoted %q", quoted)
	}
}

func TestLanguage(t *testing.T) {
	words := func(s string) func(func(string) bool) { return slices.Values(Words(Fold(s))) }
	tests := []struct{ text, def, want string }{
		{"De politie heeft een man aangehouden die in het bezit was van drugs.", "", "nl"},
		{"The police arrested a man who had been in possession of the drugs and that were found at the house.", "", "en"},
		{"Dreigingsniveau 4", "nl", "nl"},
		{"Dreigingsniveau 4", "", ""},
	}
	for _, tt := range tests {
		if got := Language(words(tt.text), tt.def); got != tt.want {
			t.Errorf("Language(%q, %q) = %q, want %q", tt.text, tt.def, got, tt.want)
		}
	}
}
