package item

import "testing"

func TestCanonical(t *testing.T) {
	tests := []struct {
		raw, base, want string
	}{
		{"https://www.rijksoverheid.nl/actueel/nieuws/2023/11/20/x", "", "https://www.rijksoverheid.nl/actueel/nieuws/2023/11/20/x"},
		{"http://www.rijksoverheid.nl/a?utm_source=nieuwsbrief&utm_medium=email", "", "https://www.rijksoverheid.nl/a"},
		{"HTTPS://Example.NL:443/a#lees-meer", "", "https://example.nl/a"},
		{"/nieuws/x?b=2&a=1&fbclid=abc", "https://www.veiligheidscoalitie.nl/nieuws", "https://www.veiligheidscoalitie.nl/nieuws/x?a=1&b=2"},
		{"https://example.nl", "", "https://example.nl/"},
	}
	for _, tt := range tests {
		got, err := Canonical(tt.raw, tt.base)
		if err != nil || got != tt.want {
			t.Errorf("Canonical(%q, %q) = %q, %v; want %q", tt.raw, tt.base, got, err, tt.want)
		}
	}
	for _, bad := range []string{"mailto:a@b.nl", "javascript:alert(1)", "https://", "%zz"} {
		if got, err := Canonical(bad, ""); err == nil {
			t.Errorf("Canonical(%q) = %q, want error", bad, got)
		}
	}
}

func TestKeyIgnoresWWWAndTrailingSlash(t *testing.T) {
	a, _ := Canonical("https://www.rijksoverheid.nl/documenten/factsheet", "")
	b, _ := Canonical("http://rijksoverheid.nl/documenten/factsheet/#lees-meer", "")
	if Key(a) != Key(b) {
		t.Errorf("Key(%q) = %q, Key(%q) = %q; want equal", a, Key(a), b, Key(b))
	}
	c, _ := Canonical("https://rijksoverheid.nl/documenten/factsheet-2", "")
	if Key(a) == Key(c) {
		t.Errorf("different pages share key %q", Key(a))
	}
}

func TestTextHashIgnoresPresentation(t *testing.T) {
	a := Item{Title: "Dreigingsniveau ‘reëel’", Content: "<p>Het  dreigingsniveau is verhoogd.</p>"}
	b := Item{Title: "dreigingsniveau 'reeel'", Summary: "Het dreigingsniveau is verhoogd."}
	c := Item{Title: "dreigingsniveau 'reeel'", Summary: "Het dreigingsniveau is verlaagd."}
	if a.TextHash() != b.TextHash() {
		t.Error("copies differing in markup, quotes and case hash differently")
	}
	if a.TextHash() == c.TextHash() {
		t.Error("different texts hash the same")
	}
}
