package textnorm

import (
	"reflect"
	"testing"
)

func TestFold(t *testing.T) {
	tests := map[string]string{
		"  Reëel &amp; ‘Cocaïne’  ":     "reeel & 'cocaine'",
		"Zorg- en\u00a0Veiligheidshuis": "zorg- en veiligheidshuis",
		"Fryslân — “noord”":             `fryslan - "noord"`,
	}
	for in, want := range tests {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWords(t *testing.T) {
	got := Words(Fold("Drugshandel in Hoevelaken/Bunschoten (2017)!"))
	want := []string{"drugshandel", "in", "hoevelaken", "bunschoten", "2017"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Words = %q, want %q", got, want)
	}
}

func TestStripHTML(t *testing.T) {
	got := Fold(StripHTML(`<p>Eén<br>twee</p><script>alert(1)</script><style>p{}</style><b>drie</b> &amp; vier`))
	if want := "een twee drie & vier"; got != want {
		t.Errorf("StripHTML = %q, want %q", got, want)
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Gooi en Vechtstreek": "gooi-en-vechtstreek",
		"Fryslân":             "fryslan",
		"'s-Hertogenbosch":    "s-hertogenbosch",
		"Utrecht-Stad":        "utrecht-stad",
	}
	for in, want := range tests {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFoldFastPathAgrees(t *testing.T) {
	for _, s := range []string{"", "drugshandel", "een twee", "een  twee", " een", "een ", "a\tb", "it`s", "a&amp;b", "Café", "x"} {
		if isFolded(s) && Fold(s) != s {
			t.Errorf("isFolded(%q) but Fold gives %q", s, Fold(s))
		}
	}
}
