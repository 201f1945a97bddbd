package dedup

import (
	"slices"
	"testing"

	"github.com/bakenhub/baken/pkg/item"
)

// FuzzFingerprint: any title and text (partners' pages are outside input)
// give a well-formed fingerprint, and a text is a copy of itself.
func FuzzFingerprint(f *testing.F) {
	f.Add("Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen", "<p>"+dtnText+"</p>", "Utrecht")
	f.Add("Geregistreerde criminaliteit stijgt met 2%", cijfersText, "")
	f.Add("Save the date: 1 februari", "Op donderdag 1 februari 2024 - Den Haag, 20 dec. 2023. m.b.t. o.a. 1.000", "De Bilt")
	f.Add("", "Coo\u0308rdinator &amp; ‘quotes’ \u00a0 — \n\n - . . ! ?", "")
	f.Add("\xff\xfe", "<script>alert(1)</script><p>a b c d e f g h i j k l m n</p>", "\x00")
	f.Fuzz(func(t *testing.T, title, text, place string) {
		it := item.Item{Title: title, Content: text, Places: []string{place}}
		fp := NewFingerprint(it)
		if !slices.IsSorted(fp.Shingles) || len(slices.Compact(slices.Clone(fp.Shingles))) != len(fp.Shingles) {
			t.Fatalf("shingles not sorted and distinct: %v", fp.Shingles)
		}
		if !slices.IsSorted(fp.Facts) || !slices.IsSorted(fp.bands) || len(fp.Body) > len(toksOf(it)) {
			t.Fatal("facts or bands not sorted, or a body longer than the text")
		}
		if len(fp.lead()) > leadShingles || len(fp.bands) > 2*numBands+1 {
			t.Fatalf("%d lead shingles, %d bands", len(fp.lead()), len(fp.bands))
		}
		if conflicts(fp.Facts, fp.Facts) {
			t.Fatal("a text conflicts with itself")
		}
		if sim, dup := duplicate(fp, fp); len(fp.Shingles) >= minShingles && (!dup || sim != 1) {
			t.Fatalf("a text is not a copy of itself: %.2f %v", sim, dup)
		}
		if again := NewFingerprint(it); !slices.Equal(again.Shingles, fp.Shingles) || !slices.Equal(again.bands, fp.bands) {
			t.Fatal("fingerprint not deterministic")
		}
	})
}

func toksOf(it item.Item) []token { return tokenize(it) }
